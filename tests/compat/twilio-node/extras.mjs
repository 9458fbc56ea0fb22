// Drives what the other scripts leave out — conversation-scoped webhooks, delivery receipts and
// address configurations — through Twilio's own Node.js helper library, with only its base URL
// changed. Everything created is deleted at the end.
// Usage: ENGINE_URL=http://127.0.0.1:5080 ACCOUNT_SID=AC… AUTH_TOKEN=… node extras.mjs
// Exits non-zero, naming the step, when the engine answers anything the library cannot use.
import assert from "node:assert/strict";
import twilio from "twilio";
import { digits, failure, complete } from "./support.mjs";

const { ENGINE_URL, ACCOUNT_SID, AUTH_TOKEN } = process.env;
const client = twilio(ACCOUNT_SID, AUTH_TOKEN);
client.conversations.baseUrl = ENGINE_URL;
const v1 = client.conversations.v1;
const unique = `node-extras-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until the check returns a value, for what the engine does after answering. */
async function eventually(check, what) {
  for (let attempt = 0; attempt < 100; attempt++) {
    const value = await check();
    if (value) {
      return value;
    }
    await sleep(100);
  }
  assert.fail(`timed out waiting for ${what}`);
}

// --- Conversation-scoped webhooks ---
const conversation = await v1.conversations.create({ friendlyName: "Hooks and receipts", uniqueName: unique });
const hooks = v1.conversations(conversation.sid).webhooks;
const webhook = await hooks.create({
  target: "webhook",
  "configuration.url": "https://example.com/conversation-hook",
  "configuration.method": "POST",
  "configuration.filters": ["onMessageAdded", "onParticipantAdded"],
});
complete(webhook);
assert.match(webhook.sid, /^WH[0-9a-f]{32}$/);
assert.equal(webhook.accountSid, ACCOUNT_SID);
assert.equal(webhook.conversationSid, conversation.sid);
assert.equal(webhook.target, "webhook");
assert.equal(webhook.configuration.url, "https://example.com/conversation-hook");
assert.equal(webhook.configuration.method, "post", "lower-case, as the scoped webhook's enum and Twilio's examples");
assert.deepEqual([...webhook.configuration.filters].sort(), ["onMessageAdded", "onParticipantAdded"]);
assert.equal(webhook.url, `${ENGINE_URL}/v1/Conversations/${conversation.sid}/Webhooks/${webhook.sid}`);

const trigger = await hooks.create({
  target: "trigger",
  "configuration.url": "https://example.com/trigger",
  "configuration.method": "GET",
  "configuration.triggers": ["ping", "pong"],
});
complete(trigger);
assert.equal(trigger.target, "trigger");
assert.deepEqual([...trigger.configuration.triggers].sort(), ["ping", "pong"]);
assert.equal(trigger.configuration.method, "get");

const fetchedHook = await hooks(webhook.sid).fetch();
complete(fetchedHook);
assert.equal(fetchedHook.sid, webhook.sid);
assert.deepEqual(fetchedHook.configuration, webhook.configuration);
assert.deepEqual((await hooks.list()).map((h) => h.sid), [webhook.sid, trigger.sid]);
assert.deepEqual((await hooks.list({ pageSize: 1 })).map((h) => h.sid), [webhook.sid, trigger.sid]);

const retargeted = await hooks(webhook.sid).update({ "configuration.url": "https://example.com/moved", "configuration.filters": ["onMessageRemoved"] });
complete(retargeted);
assert.equal(retargeted.configuration.url, "https://example.com/moved");
assert.deepEqual(retargeted.configuration.filters, ["onMessageRemoved"]);
assert.equal(retargeted.configuration.method, "post");
assert.equal(await hooks(trigger.sid).remove(), true);
const goneHook = await failure(() => hooks(trigger.sid).fetch());
assert.equal(goneHook.status, 404);
assert.equal(goneHook.code, 20404);
const badTarget = await failure(() => hooks.create({ target: "nowhere" }));
assert.equal(badTarget.status, 400);
// Before any message: the conversation's hook points at a URL the machine cannot reach, so it goes.
assert.equal(await hooks(webhook.sid).remove(), true);
assert.deepEqual(await hooks.list(), []);

// --- Delivery receipts ---
const customer = await v1.conversations(conversation.sid).participants.create({
  "messagingBinding.address": `+1555${digits(7)}`,
  "messagingBinding.proxyAddress": `+1501712${digits(4)}`,
});
await v1.conversations(conversation.sid).participants.create({ identity: `${unique}-agent` });
const message = await v1.conversations(conversation.sid).messages.create({ author: `${unique}-agent`, body: "your order shipped" });
assert.equal(message.links.delivery_receipts, `${ENGINE_URL}/v1/Conversations/${conversation.sid}/Messages/${message.sid}/Receipts`);
const receipts = v1.conversations(conversation.sid).messages(message.sid).deliveryReceipts;
const [receipt] = await eventually(async () => {
  const listed = await receipts.list();
  return listed.length > 0 ? listed : null;
}, "a delivery receipt");
complete(receipt);
assert.match(receipt.sid, /^DY[0-9a-f]{32}$/);
assert.equal(receipt.accountSid, ACCOUNT_SID);
assert.equal(receipt.conversationSid, conversation.sid);
assert.equal(receipt.messageSid, message.sid);
assert.equal(receipt.participantSid, customer.sid);
assert.match(receipt.channelMessageSid ?? "", /^(SM|MM)[0-9a-f]{32}$/);
assert.ok(["sent", "delivered", "read", "failed", "undelivered"].includes(receipt.status), receipt.status);
assert.ok(receipt.errorCode === null || Number.isInteger(receipt.errorCode));
assert.equal(receipt.url, `${ENGINE_URL}/v1/Conversations/${conversation.sid}/Messages/${message.sid}/Receipts/${receipt.sid}`);
const fetchedReceipt = await receipts(receipt.sid).fetch();
complete(fetchedReceipt);
assert.equal(fetchedReceipt.sid, receipt.sid);
assert.equal(fetchedReceipt.channelMessageSid, receipt.channelMessageSid);
const summary = (await v1.conversations(conversation.sid).messages(message.sid).fetch()).delivery;
assert.equal(summary.total, 1);
const unknownReceipt = await failure(() => receipts(`DY${"0".repeat(32)}`).fetch());
assert.equal(unknownReceipt.status, 404);
assert.equal(unknownReceipt.code, 20404);
// An agent's message to a chat-only conversation has nobody to deliver to: no receipts.
const chatOnly = await v1.conversations.create({});
await v1.conversations(chatOnly.sid).participants.create({ identity: `${unique}-agent` });
const chatMessage = await v1.conversations(chatOnly.sid).messages.create({ author: `${unique}-agent`, body: "hello" });
assert.deepEqual(await v1.conversations(chatOnly.sid).messages(chatMessage.sid).deliveryReceipts.list(), []);

// The same in a named service.
const service = await v1.services.create({ friendlyName: `${unique}-service` });
const scoped = v1.services(service.sid).conversations;
const inService = await scoped.create({ friendlyName: "Service hooks and receipts" });
const serviceHook = await scoped(inService.sid).webhooks.create({ target: "webhook", "configuration.url": "https://example.com/service-hook", "configuration.filters": ["onMessageAdded"] });
complete(serviceHook);
assert.equal(serviceHook.chatServiceSid, service.sid);
assert.equal(serviceHook.url, `${ENGINE_URL}/v1/Services/${service.sid}/Conversations/${inService.sid}/Webhooks/${serviceHook.sid}`);
assert.deepEqual((await scoped(inService.sid).webhooks.list()).map((h) => h.sid), [serviceHook.sid]);
assert.equal(await scoped(inService.sid).webhooks(serviceHook.sid).remove(), true);
await scoped(inService.sid).participants.create({
  "messagingBinding.address": `+1555${digits(7)}`,
  "messagingBinding.proxyAddress": `+1501712${digits(4)}`,
});
const serviceMessage = await scoped(inService.sid).messages.create({ author: "agent", body: "from a service" });
const [serviceReceipt] = await eventually(async () => {
  const listed = await scoped(inService.sid).messages(serviceMessage.sid).deliveryReceipts.list();
  return listed.length > 0 ? listed : null;
}, "a delivery receipt in a service");
complete(serviceReceipt);
assert.equal(serviceReceipt.chatServiceSid, service.sid);
assert.equal(serviceReceipt.messageSid, serviceMessage.sid);
assert.equal(serviceReceipt.url, `${ENGINE_URL}/v1/Services/${service.sid}/Conversations/${inService.sid}/Messages/${serviceMessage.sid}/Receipts/${serviceReceipt.sid}`);
assert.equal((await scoped(inService.sid).messages(serviceMessage.sid).deliveryReceipts(serviceReceipt.sid).fetch()).sid, serviceReceipt.sid);

// --- Address configurations ---
const addresses = v1.addressConfigurations;
const address = `+1555${digits(7)}`;
const configured = await addresses.create({
  type: "sms",
  address,
  friendlyName: `${unique}-sms`,
  "autoCreation.enabled": true,
  "autoCreation.type": "webhook",
  "autoCreation.conversationServiceSid": service.sid,
  "autoCreation.webhookUrl": "https://example.com/autocreated",
  "autoCreation.webhookMethod": "POST",
  "autoCreation.webhookFilters": ["onParticipantAdded", "onMessageAdded"],
  addressCountry: "us",
});
complete(configured);
assert.match(configured.sid, /^IG[0-9a-f]{32}$/);
assert.equal(configured.accountSid, ACCOUNT_SID);
assert.equal(configured.type, "sms");
assert.equal(configured.address, address);
assert.equal(configured.friendlyName, `${unique}-sms`);
assert.equal(configured.addressCountry, "US");
assert.equal(configured.autoCreation.enabled, true);
assert.equal(configured.autoCreation.type, "webhook");
assert.equal(configured.autoCreation.conversation_service_sid, service.sid);
assert.equal(configured.autoCreation.webhook_url, "https://example.com/autocreated");
assert.equal(configured.autoCreation.webhook_method, "POST");
assert.deepEqual([...configured.autoCreation.webhook_filters].sort(), ["onMessageAdded", "onParticipantAdded"]);
assert.equal(configured.url, `${ENGINE_URL}/v1/Configuration/Addresses/${configured.sid}`);

const fetchedAddress = await addresses(configured.sid).fetch();
complete(fetchedAddress);
assert.equal(fetchedAddress.address, address);
assert.deepEqual(fetchedAddress.autoCreation, configured.autoCreation);
assert.ok((await addresses.list()).some((a) => a.sid === configured.sid));
const smsOnly = await addresses.list({ type: "sms" });
assert.ok(smsOnly.some((a) => a.sid === configured.sid) && smsOnly.every((a) => a.type === "sms"));
assert.ok(!(await addresses.list({ type: "whatsapp" })).some((a) => a.sid === configured.sid));

const paused = await addresses(configured.sid).update({ friendlyName: `${unique}-paused`, "autoCreation.enabled": false });
complete(paused);
assert.equal(paused.friendlyName, `${unique}-paused`);
assert.equal(paused.autoCreation.enabled, false);
assert.equal(paused.autoCreation.webhook_url, "https://example.com/autocreated", "an update keeps what it does not name");
assert.equal(paused.address, address);

const duplicateAddress = await failure(() => addresses.create({ type: "sms", address }));
assert.equal(duplicateAddress.status, 409);
assert.equal(await addresses(configured.sid).remove(), true);
const goneAddress = await failure(() => addresses(configured.sid).fetch());
assert.equal(goneAddress.status, 404);
assert.equal(goneAddress.code, 20404);

// --- Clean up ---
assert.equal(await v1.conversations(conversation.sid).remove(), true);
assert.equal(await v1.conversations(chatOnly.sid).remove(), true);
assert.equal(await v1.services(service.sid).remove(), true);
console.log(JSON.stringify({ ok: true, conversation: conversation.sid, receipt: receipt.sid, address: configured.sid }));
