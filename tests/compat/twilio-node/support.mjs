// Helpers the compatibility scripts share: what a refusal looks like through the library, and
// whether the engine answered every field the library reads.
import assert from "node:assert/strict";
import twilio from "twilio";

export const digits = (n) => String(Math.floor(Math.random() * 10 ** n)).padStart(n, "0");
export const isDate = (value) => value instanceof Date && !Number.isNaN(value.getTime());

/** The RestException a call rejects with (asserted to be one), to read its status and code. */
export async function failure(call) {
  try {
    await call();
  } catch (error) {
    assert.ok(error instanceof twilio.RestException, `expected a RestException, got ${error}`);
    return error;
  }
  assert.fail("the call succeeded where the engine should have refused it");
}

/** Asserts the engine answered every field the library reads (null is an answer; a missing field is not). */
export function complete(...instances) {
  for (const instance of instances.flat()) {
    for (const [field, value] of Object.entries(instance.toJSON())) {
      assert.notEqual(value, undefined, `${instance.constructor.name}.${field} answered`);
      if (field.startsWith("date") || field.endsWith("DateCreated") || field.endsWith("DateUpdated")) {
        assert.ok(value === null || (value instanceof Date && !Number.isNaN(value.getTime())), `${instance.constructor.name}.${field} is a date`);
      }
    }
  }
}
