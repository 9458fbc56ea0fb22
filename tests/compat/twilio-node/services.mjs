// Drives conversation services and their twins through Twilio's own Node.js helper library, with
// only its base URL changed.
// Usage: ENGINE_URL=http://127.0.0.1:5080 ACCOUNT_SID=AC… AUTH_TOKEN=… node services.mjs
// Exits non-zero, naming the step, when the engine answers anything the library cannot use.
import assert from "node:assert/strict";
import twilio from "twilio";

const { ENGINE_URL, ACCOUNT_SID, AUTH_TOKEN } = process.env;
const client = twilio(ACCOUNT_SID, AUTH_TOKEN);
client.conversations.baseUrl = ENGINE_URL;
const services = client.conversations.v1.services;
const unique = `node-svc-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;

const service = await services.create({ friendlyName: "From twilio-node" });
assert.match(service.sid, /^IS[0-9a-f]{32}$/);
assert.equal(service.accountSid, ACCOUNT_SID);
assert.equal(service.friendlyName, "From twilio-node");
assert.equal(service.url, `${ENGINE_URL}/v1/Services/${service.sid}`);
assert.equal((await services(service.sid).fetch()).sid, service.sid);
assert.ok((await services.list()).some((s) => s.sid === service.sid));

const conversations = services(service.sid).conversations;
const created = await conversations.create({ friendlyName: "In a service", uniqueName: unique });
assert.equal(created.chatServiceSid, service.sid);
assert.equal(created.url, `${ENGINE_URL}/v1/Services/${service.sid}/Conversations/${created.sid}`);
assert.equal((await conversations(unique).fetch()).sid, created.sid);
assert.deepEqual((await conversations.list()).map((c) => c.sid), [created.sid]);

const participant = await conversations(created.sid).participants.create({ identity: "agent-1" });
assert.equal(participant.chatServiceSid, service.sid);
const message = await conversations(created.sid).messages.create({ author: "agent-1", body: "hello" });
assert.equal(message.chatServiceSid, service.sid);
assert.equal((await conversations(created.sid).messages.list()).length, 1);

const hooks = await services(service.sid).configuration.webhooks().update({ postWebhookUrl: "https://example.com/post", filters: ["onMessageAdded"] });
assert.equal(hooks.chatServiceSid, service.sid);
const configuration = await services(service.sid).configuration().fetch();
assert.equal(configuration.chatServiceSid, service.sid);

let elsewhere;
try {
  await client.conversations.v1.conversations(created.sid).fetch();
} catch (error) {
  elsewhere = error;
}
assert.equal(elsewhere?.status, 404);
assert.equal(elsewhere?.code, 20404);

assert.equal(await services(service.sid).remove(), true);
let gone;
try {
  await services(service.sid).fetch();
} catch (error) {
  gone = error;
}
assert.equal(gone?.status, 404);
console.log(JSON.stringify({ ok: true, service: service.sid, conversation: created.sid }));
