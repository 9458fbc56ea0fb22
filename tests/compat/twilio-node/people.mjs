// Drives roles, users, user conversations, participant conversations and conversations created with
// their participants, in the default service and in a named one, through Twilio's own Node.js
// helper library, with only its base URL changed.
// Usage: ENGINE_URL=http://127.0.0.1:5080 ACCOUNT_SID=AC… AUTH_TOKEN=… node people.mjs
// Exits non-zero, naming the step, when the engine answers anything the library cannot use.
import assert from "node:assert/strict";
import twilio from "twilio";
import { digits, isDate, failure, complete } from "./support.mjs";

const { ENGINE_URL, ACCOUNT_SID, AUTH_TOKEN } = process.env;
const client = twilio(ACCOUNT_SID, AUTH_TOKEN);
client.conversations.baseUrl = ENGINE_URL;
const v1 = client.conversations.v1;
const unique = `node-people-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;

const defaultService = (await v1.configuration().fetch()).defaultChatServiceSid;
assert.match(defaultService, /^IS[0-9a-f]{32}$/);

// --- Roles (default service) ---
const defaults = await v1.roles.list();
complete(defaults);
for (const [name, type] of [["service admin", "service"], ["service user", "service"], ["channel admin", "conversation"], ["channel user", "conversation"]]) {
  const role = defaults.find((r) => r.friendlyName === name);
  assert.ok(role, `default role ${name} listed`);
  assert.equal(role.type, type);
  assert.equal(role.chatServiceSid, defaultService);
  assert.ok(Array.isArray(role.permissions) && role.permissions.length > 0);
}

const conversationRole = await v1.roles.create({
  friendlyName: `${unique}-conversation`,
  type: "conversation",
  permission: ["sendMessage", "leaveConversation", "editOwnMessage"],
});
assert.match(conversationRole.sid, /^RL[0-9a-f]{32}$/);
assert.equal(conversationRole.accountSid, ACCOUNT_SID);
assert.equal(conversationRole.chatServiceSid, defaultService);
assert.equal(conversationRole.friendlyName, `${unique}-conversation`);
assert.equal(conversationRole.type, "conversation");
assert.deepEqual([...conversationRole.permissions].sort(), ["editOwnMessage", "leaveConversation", "sendMessage"]);
assert.ok(isDate(conversationRole.dateCreated) && isDate(conversationRole.dateUpdated));
complete(conversationRole);
assert.equal(conversationRole.url, `${ENGINE_URL}/v1/Roles/${conversationRole.sid}`);

const serviceRole = await v1.roles.create({ friendlyName: `${unique}-service`, type: "service", permission: ["createConversation", "joinConversation"] });
assert.equal(serviceRole.type, "service");
assert.deepEqual([...serviceRole.permissions].sort(), ["createConversation", "joinConversation"]);

const fetchedRole = await v1.roles(conversationRole.sid).fetch();
complete(fetchedRole);
assert.equal(fetchedRole.sid, conversationRole.sid);
assert.deepEqual(fetchedRole.permissions, conversationRole.permissions);
const listedRoles = await v1.roles.list();
assert.ok(listedRoles.some((r) => r.sid === conversationRole.sid) && listedRoles.some((r) => r.sid === serviceRole.sid));

const narrowed = await v1.roles(conversationRole.sid).update({ permission: ["sendMessage", "deleteOwnMessage"] });
complete(narrowed);
assert.deepEqual([...narrowed.permissions].sort(), ["deleteOwnMessage", "sendMessage"], "an update replaces the permission set");
assert.deepEqual([...(await v1.roles(conversationRole.sid).fetch()).permissions].sort(), ["deleteOwnMessage", "sendMessage"]);
assert.equal(narrowed.friendlyName, `${unique}-conversation`);

const badPermission = await failure(() => v1.roles.create({ friendlyName: `${unique}-bad`, type: "conversation", permission: ["notAPermission"] }));
assert.equal(badPermission.status, 400);

// --- Users (default service) ---
const identity = `${unique}-alice`;
const user = await v1.users.create({ identity, friendlyName: "Alice", attributes: JSON.stringify({ team: "blue" }), roleSid: serviceRole.sid });
assert.match(user.sid, /^US[0-9a-f]{32}$/);
assert.equal(user.accountSid, ACCOUNT_SID);
assert.equal(user.chatServiceSid, defaultService);
assert.equal(user.identity, identity);
assert.equal(user.friendlyName, "Alice");
assert.deepEqual(JSON.parse(user.attributes), { team: "blue" });
assert.equal(user.roleSid, serviceRole.sid);
assert.ok(isDate(user.dateCreated) && isDate(user.dateUpdated));
complete(user);
assert.equal(user.url, `${ENGINE_URL}/v1/Users/${user.sid}`);
assert.equal(user.links.user_conversations, `${ENGINE_URL}/v1/Users/${user.sid}/Conversations`);

assert.equal((await v1.users(user.sid).fetch()).identity, identity);
const byIdentity = await v1.users(identity).fetch();
complete(byIdentity);
assert.equal(byIdentity.sid, user.sid);
assert.equal(byIdentity.friendlyName, "Alice");

const renamed = await v1.users(user.sid).update({ friendlyName: "Alice B.", attributes: JSON.stringify({ team: "red" }) });
complete(renamed, await v1.users.list({ limit: 20 }));
assert.equal(renamed.sid, user.sid);
assert.equal(renamed.friendlyName, "Alice B.");
assert.deepEqual(JSON.parse(renamed.attributes), { team: "red" });
assert.equal(renamed.roleSid, serviceRole.sid);
const defaultUserRole = defaults.find((r) => r.friendlyName === "service user").sid;
assert.equal((await v1.users(identity).update({ roleSid: defaultUserRole })).roleSid, defaultUserRole);

assert.ok((await v1.users.list()).some((u) => u.sid === user.sid && u.friendlyName === "Alice B."));

const duplicate = await failure(() => v1.users.create({ identity }));
assert.equal(duplicate.status, 409);
assert.equal(duplicate.code, 50201);
assert.equal(duplicate.moreInfo, "https://www.twilio.com/docs/errors/50201");

const unknownUser = await failure(() => v1.users(`US${"0".repeat(32)}`).fetch());
assert.equal(unknownUser.status, 404);
assert.equal(unknownUser.code, 20404);

// --- User Conversations (default service) ---
const conversation = await v1.conversations.create({ friendlyName: "User conversation", uniqueName: `${unique}-uc`, attributes: JSON.stringify({ topic: "billing" }) });
const alice = await v1.conversations(conversation.sid).participants.create({ identity });
await v1.conversations(conversation.sid).participants.create({ identity: `${unique}-agent` });
// A chat participant's identity gets a user on first use, as in Twilio.
const agentUser = await v1.users(`${unique}-agent`).fetch();
assert.equal(agentUser.identity, `${unique}-agent`);
assert.deepEqual((await v1.participantConversations.list({ identity: `${unique}-agent` })).map((p) => p.participantUserSid), [agentUser.sid]);
for (let i = 0; i < 3; i++) {
  await v1.conversations(conversation.sid).messages.create({ author: `${unique}-agent`, body: `message ${i}` });
}

const userConversations = await v1.users(user.sid).userConversations.list();
assert.deepEqual(userConversations.map((c) => c.conversationSid), [conversation.sid]);
const listed = userConversations[0];
complete(userConversations);
assert.equal(listed.accountSid, ACCOUNT_SID);
assert.equal(listed.chatServiceSid, defaultService);
assert.equal(listed.participantSid, alice.sid);
assert.equal(listed.userSid, user.sid);
assert.equal(listed.friendlyName, "User conversation");
assert.equal(listed.uniqueName, `${unique}-uc`);
assert.equal(listed.conversationState, "active");
assert.deepEqual(JSON.parse(listed.attributes), { topic: "billing" });
assert.equal(listed.notificationLevel, "default");
assert.equal(listed.lastReadMessageIndex, null);
assert.equal(listed.unreadMessagesCount, 3);
assert.ok(isDate(listed.dateCreated));
assert.equal(listed.url, `${ENGINE_URL}/v1/Users/${user.sid}/Conversations/${conversation.sid}`);
assert.equal(listed.links.conversation, `${ENGINE_URL}/v1/Conversations/${conversation.sid}`);
assert.equal(listed.links.participant, `${ENGINE_URL}/v1/Conversations/${conversation.sid}/Participants/${alice.sid}`);

const read = await v1.users(user.sid).userConversations(conversation.sid).update({ notificationLevel: "muted", lastReadMessageIndex: 0 });
complete(read);
assert.equal(read.notificationLevel, "muted");
assert.equal(read.lastReadMessageIndex, 0);
assert.equal(read.unreadMessagesCount, 2);
await v1.conversations(conversation.sid).messages.create({ author: `${unique}-agent`, body: "one more" });
const fetchedUc = await v1.users(identity).userConversations(conversation.sid).fetch();
complete(fetchedUc);
assert.equal(fetchedUc.conversationSid, conversation.sid);
assert.equal(fetchedUc.notificationLevel, "muted");
assert.equal(fetchedUc.lastReadMessageIndex, 0);
assert.equal(fetchedUc.unreadMessagesCount, 3);
const caughtUp = await v1.users(user.sid).userConversations(conversation.sid).update({ lastReadMessageIndex: 3, notificationLevel: "default" });
assert.equal(caughtUp.unreadMessagesCount, 0);
assert.equal(caughtUp.notificationLevel, "default");
assert.equal((await v1.conversations(conversation.sid).participants(alice.sid).fetch()).lastReadMessageIndex, 3);

const badLevel = await failure(() => v1.users(user.sid).userConversations(conversation.sid).update({ notificationLevel: "loud" }));
assert.equal(badLevel.status, 400);

// --- Participant Conversations (default service) ---
const address = `+1555${digits(7)}`;
const sms = await v1.conversations(conversation.sid).participants.create({
  "messagingBinding.address": address,
  "messagingBinding.proxyAddress": `+1501712${digits(4)}`,
});
const byIdentityList = await v1.participantConversations.list({ identity });
assert.deepEqual(byIdentityList.map((p) => p.conversationSid), [conversation.sid]);
const entry = byIdentityList[0];
complete(byIdentityList);
assert.equal(entry.accountSid, ACCOUNT_SID);
assert.equal(entry.chatServiceSid, defaultService);
assert.equal(entry.participantSid, alice.sid);
assert.equal(entry.participantIdentity, identity);
assert.equal(entry.participantUserSid, user.sid);
assert.equal(entry.participantMessagingBinding, null);
assert.equal(entry.conversationUniqueName, `${unique}-uc`);
assert.equal(entry.conversationFriendlyName, "User conversation");
assert.deepEqual(JSON.parse(entry.conversationAttributes), { topic: "billing" });
assert.equal(entry.conversationState, "active");
assert.ok(isDate(entry.conversationDateCreated) && isDate(entry.conversationDateUpdated));
assert.equal(entry.links.conversation, `${ENGINE_URL}/v1/Conversations/${conversation.sid}`);

const byAddress = await v1.participantConversations.list({ address });
complete(byAddress);
assert.deepEqual(byAddress.map((p) => p.participantSid), [sms.sid]);
assert.equal(byAddress[0].participantIdentity, null);
assert.equal(byAddress[0].participantUserSid, null);
assert.equal(byAddress[0].participantMessagingBinding.address, address);
assert.equal(byAddress[0].conversationSid, conversation.sid);
assert.deepEqual(await v1.participantConversations.list({ identity: `${unique}-nobody` }), []);

// Leaving through the user's conversation removes the participant.
assert.equal(await v1.users(user.sid).userConversations(conversation.sid).remove(), true);
assert.deepEqual(await v1.users(user.sid).userConversations.list(), []);
assert.deepEqual(await v1.participantConversations.list({ identity }), []);
assert.ok(!(await v1.conversations(conversation.sid).participants.list()).some((p) => p.sid === alice.sid));
const left = await failure(() => v1.users(user.sid).userConversations(conversation.sid).fetch());
assert.equal(left.status, 404);

// --- ConversationWithParticipants (default service) ---
const bulkAddress = `+1555${digits(7)}`;
const createdAt = new Date(Date.UTC(2024, 0, 2, 3, 4, 5));
const bulk = await v1.conversationWithParticipants.create({
  friendlyName: "Created with participants",
  uniqueName: `${unique}-bulk`,
  attributes: JSON.stringify({ source: "bulk" }),
  dateCreated: createdAt,
  state: "active",
  "timers.inactive": "PT5M",
  participant: [
    JSON.stringify({ identity, attributes: { seat: 1 }, role_sid: conversationRole.sid }),
    JSON.stringify({ messaging_binding: { address: bulkAddress, proxy_address: `+1501712${digits(4)}` } }),
  ],
});
assert.match(bulk.sid, /^CH[0-9a-f]{32}$/);
complete(bulk);
assert.equal(bulk.accountSid, ACCOUNT_SID);
assert.equal(bulk.chatServiceSid, defaultService);
assert.equal(bulk.friendlyName, "Created with participants");
assert.equal(bulk.uniqueName, `${unique}-bulk`);
assert.equal(bulk.state, "active");
assert.deepEqual(JSON.parse(bulk.attributes), { source: "bulk" });
assert.equal(bulk.dateCreated.getTime(), createdAt.getTime());
assert.ok(isDate(new Date(bulk.timers.date_inactive)), "the inactive timer is set");
assert.equal(bulk.url, `${ENGINE_URL}/v1/Conversations/${bulk.sid}`);
const bulkParticipants = await v1.conversations(bulk.sid).participants.list();
assert.deepEqual(bulkParticipants.map((p) => p.identity ?? p.messagingBinding?.address).sort(), [bulkAddress, identity].sort());
const bulkAlice = bulkParticipants.find((p) => p.identity === identity);
assert.deepEqual(JSON.parse(bulkAlice.attributes), { seat: 1 });
assert.equal(bulkAlice.roleSid, conversationRole.sid);
assert.deepEqual((await v1.users(user.sid).userConversations.list()).map((c) => c.conversationSid), [bulk.sid]);

const tooMany = await failure(() => v1.conversationWithParticipants.create({
  participant: Array.from({ length: 11 }, (_, i) => JSON.stringify({ identity: `${unique}-crowd-${i}` })),
}));
assert.equal(tooMany.status, 400);
assert.equal(tooMany.code, 50426);
const notJson = await failure(() => v1.conversationWithParticipants.create({ participant: ["{not json"] }));
assert.equal(notJson.status, 400);
assert.equal(notJson.code, 50424);

// --- Clean up the default service ---
assert.equal(await v1.users(user.sid).remove(), true);
assert.equal(await v1.users(agentUser.sid).remove(), true);
assert.equal((await failure(() => v1.users(identity).fetch())).status, 404);
assert.ok(!(await v1.users.list()).some((u) => u.sid === user.sid));
assert.equal(await v1.roles(conversationRole.sid).remove(), true);
assert.equal(await v1.roles(serviceRole.sid).remove(), true);
const goneRole = await failure(() => v1.roles(conversationRole.sid).fetch());
assert.equal(goneRole.status, 404);
assert.equal(goneRole.code, 20404);
assert.equal(await v1.conversations(conversation.sid).remove(), true);
assert.equal(await v1.conversations(bulk.sid).remove(), true);

// --- The same resources in a named service ---
const service = await v1.services.create({ friendlyName: `${unique}-service` });
const scoped = v1.services(service.sid);
const serviceDefaults = await scoped.roles.list();
complete(serviceDefaults);
assert.deepEqual(serviceDefaults.map((r) => r.friendlyName).sort(), ["channel admin", "channel user", "service admin", "service user"]);
assert.ok(serviceDefaults.every((r) => r.chatServiceSid === service.sid));

const scopedRole = await scoped.roles.create({ friendlyName: "moderator", type: "conversation", permission: ["sendMessage", "removeParticipant"] });
assert.equal(scopedRole.chatServiceSid, service.sid);
complete(scopedRole);
assert.equal(scopedRole.url, `${ENGINE_URL}/v1/Services/${service.sid}/Roles/${scopedRole.sid}`);
assert.deepEqual([...(await scoped.roles(scopedRole.sid).update({ permission: ["sendMessage"] })).permissions], ["sendMessage"]);
assert.equal((await scoped.roles(scopedRole.sid).fetch()).friendlyName, "moderator");
assert.equal((await failure(() => v1.roles(scopedRole.sid).fetch())).status, 404, "a named service's role is not the default service's");

const scopedUser = await scoped.users.create({ identity, friendlyName: "Alice in a service", attributes: JSON.stringify({ scoped: true }) });
assert.equal(scopedUser.chatServiceSid, service.sid);
complete(scopedUser);
assert.equal(scopedUser.url, `${ENGINE_URL}/v1/Services/${service.sid}/Users/${scopedUser.sid}`);
assert.equal(scopedUser.links.user_conversations, `${ENGINE_URL}/v1/Services/${service.sid}/Users/${scopedUser.sid}/Conversations`);
assert.equal((await scoped.users(identity).fetch()).sid, scopedUser.sid);
assert.equal((await scoped.users(scopedUser.sid).update({ friendlyName: "Alice (service)" })).friendlyName, "Alice (service)");
assert.deepEqual((await scoped.users.list()).map((u) => u.sid), [scopedUser.sid]);
const scopedDuplicate = await failure(() => scoped.users.create({ identity }));
assert.equal(scopedDuplicate.status, 409);
assert.equal(scopedDuplicate.code, 50201);

const scopedConversation = await scoped.conversations.create({ friendlyName: "Service conversation" });
const scopedAlice = await scoped.conversations(scopedConversation.sid).participants.create({ identity });
await scoped.conversations(scopedConversation.sid).messages.create({ author: "someone-else", body: "hi" });
await scoped.conversations(scopedConversation.sid).messages.create({ author: "someone-else", body: "there" });
const scopedUcs = await scoped.users(scopedUser.sid).userConversations.list();
complete(scopedUcs);
assert.deepEqual(scopedUcs.map((c) => c.conversationSid), [scopedConversation.sid]);
assert.equal(scopedUcs[0].chatServiceSid, service.sid);
assert.equal(scopedUcs[0].participantSid, scopedAlice.sid);
assert.equal(scopedUcs[0].unreadMessagesCount, 2);
assert.equal(scopedUcs[0].url, `${ENGINE_URL}/v1/Services/${service.sid}/Users/${scopedUser.sid}/Conversations/${scopedConversation.sid}`);
const scopedRead = await scoped.users(scopedUser.sid).userConversations(scopedConversation.sid).update({ lastReadMessageIndex: 1, notificationLevel: "muted" });
assert.equal(scopedRead.unreadMessagesCount, 0);
assert.equal(scopedRead.notificationLevel, "muted");
assert.equal((await scoped.users(identity).userConversations(scopedConversation.sid).fetch()).lastReadMessageIndex, 1);

const scopedEntries = await scoped.participantConversations.list({ identity });
complete(scopedEntries);
assert.deepEqual(scopedEntries.map((p) => p.participantSid), [scopedAlice.sid]);
assert.equal(scopedEntries[0].chatServiceSid, service.sid);
assert.equal(scopedEntries[0].participantUserSid, scopedUser.sid);

const scopedBulk = await scoped.conversationWithParticipants.create({ friendlyName: "Bulk in a service", participant: [JSON.stringify({ identity })] });
assert.equal(scopedBulk.chatServiceSid, service.sid);
complete(scopedBulk);
assert.equal(scopedBulk.state, "active");
assert.equal(scopedBulk.url, `${ENGINE_URL}/v1/Services/${service.sid}/Conversations/${scopedBulk.sid}`);
assert.deepEqual((await scoped.conversations(scopedBulk.sid).participants.list()).map((p) => p.identity), [identity]);
assert.deepEqual((await scoped.participantConversations.list({ identity })).map((p) => p.conversationSid).sort(), [scopedConversation.sid, scopedBulk.sid].sort());
assert.equal((await failure(() => scoped.conversationWithParticipants.create({ participant: ["[1, 2]"] }))).code, 50424);

// Paging, following the engine's own next and previous page URLs.
const others = [];
for (const name of ["bob@example.com", "carol.c", "dave_d"]) {
  others.push(await scoped.users.create({ identity: name }));
}
assert.equal((await scoped.users("bob@example.com").fetch()).sid, others[0].sid);
const allUsers = [scopedUser.sid, ...others.map((u) => u.sid)];
assert.deepEqual((await scoped.users.list({ pageSize: 1 })).map((u) => u.sid), allUsers);
const firstPage = await scoped.users.page({ pageSize: 2 });
assert.deepEqual(firstPage.instances.map((u) => u.sid), allUsers.slice(0, 2));
const secondPage = await firstPage.nextPage();
assert.deepEqual(secondPage.instances.map((u) => u.sid), allUsers.slice(2));
assert.equal(await secondPage.nextPage(), undefined);
assert.deepEqual((await secondPage.previousPage()).instances.map((u) => u.sid), allUsers.slice(0, 2));
assert.equal((await scoped.roles.list({ pageSize: 2 })).length, 5);
const third = await scoped.conversations.create({ friendlyName: "Third" });
await scoped.conversations(third.sid).participants.create({ identity });
const mine = [scopedConversation.sid, scopedBulk.sid, third.sid].sort();
assert.deepEqual((await scoped.users(scopedUser.sid).userConversations.list({ pageSize: 1 })).map((c) => c.conversationSid).sort(), mine);
assert.deepEqual((await scoped.participantConversations.list({ identity, pageSize: 1 })).map((p) => p.conversationSid).sort(), mine);
const ucPage = await scoped.users(scopedUser.sid).userConversations.page({ pageSize: 2 });
assert.equal(ucPage.instances.length, 2);
assert.equal((await ucPage.nextPage()).instances.length, 1);
assert.equal(await scoped.conversations(third.sid).remove(), true);

assert.equal(await scoped.users(scopedUser.sid).userConversations(scopedConversation.sid).remove(), true);
assert.deepEqual((await scoped.users(scopedUser.sid).userConversations.list()).map((c) => c.conversationSid), [scopedBulk.sid]);
assert.equal(await scoped.users(scopedUser.sid).remove(), true);
assert.equal(await scoped.roles(scopedRole.sid).remove(), true);
assert.equal(await v1.services(service.sid).remove(), true);

console.log(JSON.stringify({ ok: true, user: user.sid, conversation: conversation.sid, bulk: bulk.sid, service: service.sid }));
