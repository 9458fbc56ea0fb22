// Drives the engine through Twilio's own Node.js helper library, with only its base URL changed.
// Usage: ENGINE_URL=http://127.0.0.1:5080 ACCOUNT_SID=AC… AUTH_TOKEN=… node conversations.mjs
// Exits non-zero, naming the step, when the engine answers anything the library cannot use.
import assert from "node:assert/strict";
import twilio from "twilio";

const { ENGINE_URL, ACCOUNT_SID, AUTH_TOKEN } = process.env;
const client = twilio(ACCOUNT_SID, AUTH_TOKEN);
client.conversations.baseUrl = ENGINE_URL;
const conversations = client.conversations.v1.conversations;
const unique = `node-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;

const created = await conversations.create({ friendlyName: "From twilio-node", uniqueName: unique, attributes: JSON.stringify({ via: "node" }) });
assert.match(created.sid, /^CH[0-9a-f]{32}$/);
assert.equal(created.accountSid, ACCOUNT_SID);
assert.equal(created.state, "active");
assert.ok(created.dateCreated instanceof Date && !Number.isNaN(created.dateCreated.getTime()));

const fetched = await conversations(unique).fetch();
assert.equal(fetched.sid, created.sid);

const updated = await conversations(created.sid).update({ friendlyName: "Renamed", xTwilioWebhookEnabled: "true" });
assert.equal(updated.friendlyName, "Renamed");

const agent = await conversations(created.sid).participants.create({ identity: "agent-1" });
const customer = await conversations(created.sid).participants.create({
  "messagingBinding.address": "+15558675310",
  "messagingBinding.proxyAddress": `+1501712${String(Math.floor(Math.random() * 1e4)).padStart(4, "0")}`,
});
assert.equal(customer.messagingBinding.address, "+15558675310");
const participants = await conversations(created.sid).participants.list();
assert.deepEqual(participants.map((p) => p.sid), [agent.sid, customer.sid]);

for (let i = 0; i < 25; i++) {
  await conversations(created.sid).messages.create({ author: "agent-1", body: `message ${i}` });
}
const ascending = await conversations(created.sid).messages.list({ pageSize: 10 });
assert.deepEqual(ascending.map((m) => m.index), [...Array(25).keys()]);
const descending = await conversations(created.sid).messages.list({ order: "desc", pageSize: 7 });
assert.deepEqual(descending.map((m) => m.index), [...Array(25).keys()].reverse());
assert.equal(ascending[0].participantSid, agent.sid);

const edited = await conversations(created.sid).messages(ascending[0].sid).update({ body: "edited" });
assert.equal(edited.body, "edited");
await conversations(created.sid).messages(ascending[1].sid).remove();

let notFound;
try {
  await conversations(created.sid).messages(ascending[1].sid).fetch();
} catch (error) {
  notFound = error;
}
assert.equal(notFound?.status, 404);
assert.equal(notFound?.code, 20404);

let conflict;
try {
  await conversations.create({ uniqueName: unique });
} catch (error) {
  conflict = error;
}
assert.equal(conflict?.code, 50353);

const page = await conversations.page({ pageSize: 1 });
assert.equal(page.instances.length, 1);

assert.equal(await conversations(created.sid).remove(), true);
console.log(JSON.stringify({ ok: true, conversation: created.sid, messages: ascending.length }));
