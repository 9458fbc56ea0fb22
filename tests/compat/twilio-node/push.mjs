// Drives push credentials, a service's bindings and notification settings, and the service and
// account configurations (with their webhooks) through Twilio's own Node.js helper library, with
// only its base URL changed. Every account-level setting changed is put back at the end.
// Usage: ENGINE_URL=http://127.0.0.1:5080 ACCOUNT_SID=AC… AUTH_TOKEN=… \
//   PUSH_SERVICE_SID=IS… PUSH_BINDING_SIDS=BS…,BS…,BS… node push.mjs
// The service's bindings (alice apn, alice fcm, bob@example.com fcm for new messages only, each with
// a device token holding "device-token") are registered by the caller: Twilio's REST API has no way
// to create one. Exits non-zero, naming the step, when the engine answers anything the library
// cannot use.
import assert from "node:assert/strict";
import twilio from "twilio";
import { isDate, failure, complete } from "./support.mjs";

const { ENGINE_URL, ACCOUNT_SID, AUTH_TOKEN, PUSH_SERVICE_SID, PUSH_BINDING_SIDS } = process.env;
const client = twilio(ACCOUNT_SID, AUTH_TOKEN);
client.conversations.baseUrl = ENGINE_URL;
client.messaging.baseUrl = `${ENGINE_URL}/messaging`;
const v1 = client.conversations.v1;
const unique = `node-push-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;

/** The JSON the engine answered at a resource's URL, as the library's own HTTP client reads it. */
async function raw(url) {
  const response = await client.request({ method: "get", uri: url });
  assert.equal(response.statusCode, 200);
  return typeof response.body === "string" ? response.body : JSON.stringify(response.body);
}

// --- Credentials ---
const certificate = "-----BEGIN CERTIFICATE-----\nMIIcertificate-secret\n-----END CERTIFICATE-----";
const privateKey = "-----BEGIN RSA PRIVATE KEY-----\nMIIprivate-key-secret\n-----END RSA PRIVATE KEY-----";
const apn = await v1.credentials.create({ type: "apn", friendlyName: `${unique}-apn`, certificate, privateKey, sandbox: true });
assert.match(apn.sid, /^CR[0-9a-f]{32}$/);
assert.equal(apn.accountSid, ACCOUNT_SID);
assert.equal(apn.friendlyName, `${unique}-apn`);
assert.equal(apn.type, "apn");
assert.equal(apn.sandbox, "True");
assert.ok(isDate(apn.dateCreated) && isDate(apn.dateUpdated));
assert.equal(apn.url, `${ENGINE_URL}/v1/Credentials/${apn.sid}`);
complete(apn);
const fcm = await v1.credentials.create({ type: "fcm", friendlyName: `${unique}-fcm`, secret: "fcm-server-key-secret" });
assert.equal(fcm.type, "fcm");
assert.equal(fcm.sandbox, "False");
for (const credential of [apn, fcm]) {
  for (const field of ["certificate", "privateKey", "secret", "apiKey"]) {
    assert.equal(credential[field], undefined, `${field} is not answered`);
  }
}

const fetchedApn = await v1.credentials(apn.sid).fetch();
complete(fetchedApn);
assert.equal(fetchedApn.sid, apn.sid);
assert.equal(fetchedApn.friendlyName, `${unique}-apn`);
assert.equal(fetchedApn.sandbox, "True");
const listedCredentials = await v1.credentials.list();
complete(listedCredentials);
assert.ok(listedCredentials.some((c) => c.sid === apn.sid) && listedCredentials.some((c) => c.sid === fcm.sid));

const updatedFcm = await v1.credentials(fcm.sid).update({ friendlyName: `${unique}-fcm-renamed`, secret: "fcm-server-key-secret-2" });
complete(updatedFcm);
assert.equal(updatedFcm.friendlyName, `${unique}-fcm-renamed`);
assert.equal(updatedFcm.type, "fcm");
const updatedApn = await v1.credentials(apn.sid).update({ sandbox: false });
assert.equal(updatedApn.sandbox, "False");
assert.equal(updatedApn.friendlyName, `${unique}-apn`);
for (const url of [apn.url, fcm.url]) {
  const text = await raw(url);
  assert.ok(!/secret/i.test(text), `no secret in ${text}`);
}
assert.ok(!/secret/i.test(await raw(`${ENGINE_URL}/v1/Credentials?PageSize=100`)));

// --- Bindings (registered by the caller in PUSH_SERVICE_SID) ---
assert.match(PUSH_SERVICE_SID ?? "", /^IS[0-9a-f]{32}$/, "PUSH_SERVICE_SID names the service holding the bindings");
const [aliceApn, aliceFcm, bobFcm] = (PUSH_BINDING_SIDS ?? "").split(",");
const scoped = v1.services(PUSH_SERVICE_SID);
const bindings = await scoped.bindings.list();
complete(bindings);
assert.deepEqual(bindings.map((b) => b.sid), [aliceApn, aliceFcm, bobFcm]);
assert.deepEqual((await scoped.bindings.list({ bindingType: ["fcm"] })).map((b) => b.sid), [aliceFcm, bobFcm]);
assert.deepEqual((await scoped.bindings.list({ identity: ["alice"] })).map((b) => b.sid), [aliceApn, aliceFcm]);
assert.deepEqual((await scoped.bindings.list({ bindingType: ["apn", "fcm"], identity: ["bob@example.com"] })).map((b) => b.sid), [bobFcm]);
assert.deepEqual((await scoped.bindings.list({ pageSize: 1 })).map((b) => b.sid), [aliceApn, aliceFcm, bobFcm]);

const binding = await scoped.bindings(aliceApn).fetch();
complete(binding);
assert.match(binding.sid, /^BS[0-9a-f]{32}$/);
assert.equal(binding.accountSid, ACCOUNT_SID);
assert.equal(binding.chatServiceSid, PUSH_SERVICE_SID);
assert.equal(binding.identity, "alice");
assert.equal(binding.bindingType, "apn");
assert.equal(binding.endpoint, "alice#iphone");
assert.deepEqual([...binding.messageTypes].sort(), ["added_to_conversation", "new_message", "removed_from_conversation"]);
assert.ok(isDate(binding.dateCreated) && isDate(binding.dateUpdated));
assert.equal(binding.url, `${ENGINE_URL}/v1/Services/${PUSH_SERVICE_SID}/Bindings/${aliceApn}`);
const bob = await scoped.bindings(bobFcm).fetch();
assert.equal(bob.identity, "bob@example.com");
assert.equal(bob.credentialSid, null);
assert.deepEqual(bob.messageTypes, ["new_message"]);
assert.ok(!(await raw(binding.url)).includes("device-token"), "a binding's device token is not answered");

assert.equal(await scoped.bindings(aliceFcm).remove(), true);
const goneBinding = await failure(() => scoped.bindings(aliceFcm).fetch());
assert.equal(goneBinding.status, 404);
assert.equal(goneBinding.code, 20404);
assert.deepEqual((await scoped.bindings.list()).map((b) => b.sid), [aliceApn, bobFcm]);
assert.equal((await failure(() => scoped.bindings(`BS${"0".repeat(32)}`).fetch())).status, 404);

// --- The service's configuration, its notifications and its webhooks ---
const roles = await scoped.roles.list();
const roleSid = (name) => roles.find((r) => r.friendlyName === name).sid;
const configuration = await scoped.configuration().fetch();
complete(configuration);
assert.equal(configuration.chatServiceSid, PUSH_SERVICE_SID);
assert.equal(configuration.defaultConversationCreatorRoleSid, roleSid("channel admin"));
assert.equal(configuration.defaultConversationRoleSid, roleSid("channel user"));
assert.equal(configuration.defaultChatServiceRoleSid, roleSid("service user"));
assert.equal(configuration.reachabilityEnabled, false);
assert.equal(configuration.url, `${ENGINE_URL}/v1/Services/${PUSH_SERVICE_SID}/Configuration`);
assert.equal(configuration.links.notifications, `${configuration.url}/Notifications`);
assert.equal(configuration.links.webhooks, `${configuration.url}/Webhooks`);

const member = await scoped.roles.create({ friendlyName: "member", type: "conversation", permission: ["sendMessage"] });
const changed = await scoped.configuration().update({ defaultConversationRoleSid: member.sid, reachabilityEnabled: true });
complete(changed);
assert.equal(changed.defaultConversationRoleSid, member.sid);
assert.equal(changed.defaultConversationCreatorRoleSid, roleSid("channel admin"));
assert.equal(changed.reachabilityEnabled, true);
const refetched = await scoped.configuration().fetch();
assert.equal(refetched.defaultConversationRoleSid, member.sid);
assert.equal(refetched.reachabilityEnabled, true);
assert.equal((await scoped.configuration().update({ reachabilityEnabled: false })).reachabilityEnabled, false);

const notifications = await scoped.configuration.notifications().fetch();
complete(notifications);
assert.equal(notifications.accountSid, ACCOUNT_SID);
assert.equal(notifications.chatServiceSid, PUSH_SERVICE_SID);
assert.equal(notifications.logEnabled, false);
assert.equal(notifications.newMessage.enabled, false);
assert.equal(notifications.addedToConversation.enabled, false);
assert.equal(notifications.removedFromConversation.enabled, false);
assert.equal(notifications.url, `${ENGINE_URL}/v1/Services/${PUSH_SERVICE_SID}/Configuration/Notifications`);
const notifying = await scoped.configuration.notifications().update({
  logEnabled: true,
  "newMessage.enabled": true,
  "newMessage.template": "${CONVERSATION}:${PARTICIPANT}: ${MESSAGE}",
  "newMessage.sound": "ding",
  "newMessage.badgeCountEnabled": true,
  "newMessage.withMedia.enabled": true,
  "newMessage.withMedia.template": "${PARTICIPANT} sent a file",
  "addedToConversation.enabled": true,
  "addedToConversation.template": "You joined ${CONVERSATION}",
  "removedFromConversation.enabled": true,
  "removedFromConversation.sound": "bye",
});
assert.equal(notifying.logEnabled, true);
complete(notifying);
assert.deepEqual(notifying.newMessage, {
  enabled: true,
  template: "${CONVERSATION}:${PARTICIPANT}: ${MESSAGE}",
  sound: "ding",
  badge_count_enabled: true,
  with_media: { enabled: true, template: "${PARTICIPANT} sent a file" },
});
assert.equal(notifying.addedToConversation.enabled, true);
assert.equal(notifying.addedToConversation.template, "You joined ${CONVERSATION}");
assert.equal(notifying.removedFromConversation.enabled, true);
assert.equal(notifying.removedFromConversation.sound, "bye");
const notificationsBack = await scoped.configuration.notifications().fetch();
assert.deepEqual(notificationsBack.newMessage, notifying.newMessage);
assert.deepEqual(notificationsBack.addedToConversation, notifying.addedToConversation);
assert.deepEqual(notificationsBack.removedFromConversation, notifying.removedFromConversation);
assert.equal((await scoped.configuration.notifications().update({ "newMessage.enabled": false })).newMessage.template, "${CONVERSATION}:${PARTICIPANT}: ${MESSAGE}", "an update keeps what it does not name");

const serviceHooks = await scoped.configuration.webhooks().fetch();
complete(serviceHooks);
assert.equal(serviceHooks.accountSid, ACCOUNT_SID);
assert.equal(serviceHooks.chatServiceSid, PUSH_SERVICE_SID);
assert.equal(serviceHooks.preWebhookUrl, null);
assert.equal(serviceHooks.postWebhookUrl, null);
assert.deepEqual(serviceHooks.filters, []);
assert.equal(serviceHooks.url, `${ENGINE_URL}/v1/Services/${PUSH_SERVICE_SID}/Configuration/Webhooks`);
const hooked = await scoped.configuration.webhooks().update({
  preWebhookUrl: "https://example.com/pre",
  postWebhookUrl: "https://example.com/post",
  filters: ["onMessageAdd", "onMessageAdded", "onConversationRemoved"],
  method: "GET",
});
assert.equal(hooked.preWebhookUrl, "https://example.com/pre");
assert.equal(hooked.postWebhookUrl, "https://example.com/post");
assert.deepEqual([...hooked.filters].sort(), ["onConversationRemoved", "onMessageAdd", "onMessageAdded"]);
assert.equal(hooked.method, "GET");
complete(hooked);
assert.deepEqual((await scoped.configuration.webhooks().fetch()).filters, hooked.filters);
const unhooked = await scoped.configuration.webhooks().update({ preWebhookUrl: "", postWebhookUrl: "", filters: [""], method: "POST" });
assert.equal(unhooked.preWebhookUrl, null);
assert.equal(unhooked.postWebhookUrl, null);
assert.deepEqual(unhooked.filters, []);
assert.equal(unhooked.method, "POST");
const badTarget = await failure(() => scoped.configuration.webhooks().update({ method: "PUT" }));
assert.equal(badTarget.status, 400);

// --- The account's configuration and webhooks, restored afterwards ---
const savedConfiguration = await v1.configuration().fetch();
const savedHooks = await v1.configuration.webhooks().fetch();
complete(savedConfiguration, savedHooks);
assert.equal(savedConfiguration.accountSid, ACCOUNT_SID);
assert.match(savedConfiguration.defaultChatServiceSid, /^IS[0-9a-f]{32}$/);
assert.equal(savedConfiguration.url, `${ENGINE_URL}/v1/Configuration`);
assert.equal(savedConfiguration.links.service, `${ENGINE_URL}/v1/Services/${savedConfiguration.defaultChatServiceSid}`);
assert.equal(savedConfiguration.links.webhooks, `${ENGINE_URL}/v1/Configuration/Webhooks`);
assert.equal(savedHooks.accountSid, ACCOUNT_SID);
assert.equal(savedHooks.url, `${ENGINE_URL}/v1/Configuration/Webhooks`);
assert.ok(Array.isArray(savedHooks.filters));

const messagingService = await client.messaging.v1.services.create({ friendlyName: `${unique}-messaging` });
try {
  const account = await v1.configuration().update({
    defaultChatServiceSid: PUSH_SERVICE_SID,
    defaultMessagingServiceSid: messagingService.sid,
    defaultInactiveTimer: "PT3H",
    defaultClosedTimer: "P2D",
  });
  assert.equal(account.defaultChatServiceSid, PUSH_SERVICE_SID);
  assert.equal(account.defaultMessagingServiceSid, messagingService.sid);
  assert.equal(account.defaultInactiveTimer, "PT3H");
  assert.equal(account.defaultClosedTimer, "P2D");
  assert.equal(account.links.service, `${ENGINE_URL}/v1/Services/${PUSH_SERVICE_SID}`);
  complete(account);
  const accountBack = await v1.configuration().fetch();
  assert.equal(accountBack.defaultChatServiceSid, PUSH_SERVICE_SID);
  assert.equal(accountBack.defaultMessagingServiceSid, messagingService.sid);
  assert.equal(accountBack.defaultInactiveTimer, "PT3H");

  const accountHooks = await v1.configuration.webhooks().update({
    method: "GET",
    filters: ["onConversationAdded", "onMessageAdded"],
    preWebhookUrl: "https://example.com/account-pre",
    postWebhookUrl: "https://example.com/account-post",
    target: "webhook",
  });
  assert.equal(accountHooks.method, "GET");
  assert.deepEqual([...accountHooks.filters].sort(), ["onConversationAdded", "onMessageAdded"]);
  assert.equal(accountHooks.preWebhookUrl, "https://example.com/account-pre");
  assert.equal(accountHooks.postWebhookUrl, "https://example.com/account-post");
  assert.equal(accountHooks.target, "webhook");
  complete(accountHooks);
  assert.equal((await v1.configuration.webhooks().fetch()).postWebhookUrl, "https://example.com/account-post");
  const badAccountTarget = await failure(() => v1.configuration.webhooks().update({ target: "nowhere" }));
  assert.equal(badAccountTarget.status, 400);
} finally {
  await v1.configuration.webhooks().update({
    method: savedHooks.method,
    filters: savedHooks.filters.length > 0 ? savedHooks.filters : [""],
    preWebhookUrl: savedHooks.preWebhookUrl ?? "",
    postWebhookUrl: savedHooks.postWebhookUrl ?? "",
    target: savedHooks.target,
  });
  await v1.configuration().update({
    defaultChatServiceSid: savedConfiguration.defaultChatServiceSid,
    defaultMessagingServiceSid: savedConfiguration.defaultMessagingServiceSid ?? "",
    defaultInactiveTimer: savedConfiguration.defaultInactiveTimer ?? "",
    defaultClosedTimer: savedConfiguration.defaultClosedTimer ?? "",
  });
  await client.messaging.v1.services(messagingService.sid).remove();
}
const restored = await v1.configuration().fetch();
assert.deepEqual(
  [restored.defaultChatServiceSid, restored.defaultMessagingServiceSid, restored.defaultInactiveTimer, restored.defaultClosedTimer],
  [savedConfiguration.defaultChatServiceSid, savedConfiguration.defaultMessagingServiceSid, savedConfiguration.defaultInactiveTimer, savedConfiguration.defaultClosedTimer]);
const restoredHooks = await v1.configuration.webhooks().fetch();
assert.deepEqual(
  [restoredHooks.method, restoredHooks.filters, restoredHooks.preWebhookUrl, restoredHooks.postWebhookUrl, restoredHooks.target],
  [savedHooks.method, savedHooks.filters, savedHooks.preWebhookUrl, savedHooks.postWebhookUrl, savedHooks.target]);

// --- Clean up ---
assert.equal(await v1.credentials(fcm.sid).remove(), true);
assert.equal(await v1.credentials(apn.sid).remove(), true);
const goneCredential = await failure(() => v1.credentials(apn.sid).fetch());
assert.equal(goneCredential.status, 404);
assert.equal(goneCredential.code, 20404);
assert.ok(!(await v1.credentials.list()).some((c) => c.sid === apn.sid || c.sid === fcm.sid));
assert.equal(await v1.services(PUSH_SERVICE_SID).remove(), true);
assert.equal((await failure(() => scoped.bindings.list())).status, 404);

console.log(JSON.stringify({ ok: true, service: PUSH_SERVICE_SID, credentials: [apn.sid, fcm.sid] }));
