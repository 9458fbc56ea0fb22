// Checks X-Twilio-Signature headers the engine produced with Twilio's own Node.js validator.
// Usage: WEBHOOK_CASES='{"authToken":"…","cases":[{"name":"…","url":"…","params":[["k","v"],…],"signature":"…","expect":true}]}' node validate-signatures.mjs
// params are the POSTed form pairs in the order received (empty for a GET, whose URL carries them);
// a repeated name becomes an array, as Express' body parser hands it to validateRequest.
import twilio from "twilio";

const { authToken, cases } = JSON.parse(process.env.WEBHOOK_CASES);
const results = cases.map(({ name, url, params, signature, expect }) => {
  const form = {};
  for (const [key, value] of params) {
    form[key] = key in form ? [].concat(form[key], value) : value;
  }
  const valid = twilio.validateRequest(authToken, signature, url, form);
  return { name, valid, expect, pass: valid === expect };
});
const ok = results.every((r) => r.pass);
console.log(JSON.stringify({ ok, results }));
process.exit(ok ? 0 : 1);
