// Drives Messaging Services and the account's numbers through Twilio's Node.js helper library,
// with only its base URLs changed (Messaging v1 under /messaging, API 2010 at the root).
// Usage: ENGINE_URL=http://127.0.0.1:5080 ACCOUNT_SID=AC… AUTH_TOKEN=… node messaging.mjs
import assert from "node:assert/strict";
import twilio from "twilio";

const { ENGINE_URL, ACCOUNT_SID, AUTH_TOKEN } = process.env;
const client = twilio(ACCOUNT_SID, AUTH_TOKEN);
client.messaging.baseUrl = `${ENGINE_URL}/messaging`;
client.api.baseUrl = ENGINE_URL;

const number = await client.incomingPhoneNumbers.create({ phoneNumber: `+1628${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`, friendlyName: "node" });
assert.match(number.sid, /^PN[0-9a-f]{32}$/);
assert.equal(number.capabilities.sms, true);
assert.ok(number.dateCreated instanceof Date && !Number.isNaN(number.dateCreated.getTime()));
assert.equal((await client.incomingPhoneNumbers(number.sid).fetch()).phoneNumber, number.phoneNumber);

const service = await client.messaging.v1.services.create({ friendlyName: "From twilio-node", stickySender: false, validityPeriod: 600 });
assert.match(service.sid, /^MG[0-9a-f]{32}$/);
assert.equal(service.stickySender, false);
assert.equal(service.validityPeriod, 600);
assert.equal(service.smartEncoding, true);
assert.ok(service.dateCreated instanceof Date && !Number.isNaN(service.dateCreated.getTime()));

const updated = await client.messaging.v1.services(service.sid).update({ areaCodeGeomatch: true });
assert.equal(updated.areaCodeGeomatch, true);

const member = await client.messaging.v1.services(service.sid).phoneNumbers.create({ phoneNumberSid: number.sid });
assert.equal(member.phoneNumber, number.phoneNumber);
assert.deepEqual(member.capabilities, ["SMS", "MMS", "Voice"]);
const alpha = await client.messaging.v1.services(service.sid).alphaSenders.create({ alphaSender: "NodeCo" });
assert.equal(alpha.alphaSender, "NodeCo");

const members = await client.messaging.v1.services(service.sid).phoneNumbers.list({ pageSize: 1 });
assert.deepEqual(members.map((m) => m.sid), [number.sid]);
const services = await client.messaging.v1.services.list();
assert.ok(services.some((s) => s.sid === service.sid));

try {
  await client.messaging.v1.services.create({ friendlyName: "bad", validityPeriod: 0 });
  assert.fail("ValidityPeriod 0 was accepted");
} catch (error) {
  assert.equal(error.status, 400);
  assert.equal(error.code, 21624);
}

assert.equal(await client.messaging.v1.services(service.sid).phoneNumbers(number.sid).remove(), true);
assert.equal(await client.messaging.v1.services(service.sid).remove(), true);
assert.equal(await client.incomingPhoneNumbers(number.sid).remove(), true);
console.log(JSON.stringify({ ok: true }));
