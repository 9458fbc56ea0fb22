// Mints an Access Token the way an app's token endpoint does with Twilio's Node.js helper library
// (AccessToken + ChatGrant, signed with an API key secret) and prints it as one JSON line.
import twilio from 'twilio';

const { AccessToken } = twilio.jwt;
const { ChatGrant } = AccessToken;

const token = new AccessToken(process.env.ACCOUNT_SID, process.env.API_KEY_SID, process.env.API_KEY_SECRET, {
  identity: process.env.IDENTITY,
  ttl: 3600,
});
token.addGrant(new ChatGrant({ serviceSid: process.env.CHAT_SERVICE_SID }));
console.log(JSON.stringify({ ok: true, token: token.toJwt() }));
