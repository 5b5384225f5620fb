import { describe, expect, it } from "vitest";
import { customer, message } from "../handoff/test-fixtures.ts";
import { redactPersonalData, resolvedCaseFrom } from "./resolved-case.ts";

const resolved = { id: "conv-9", resolutionCode: "refund_reissued", resolvedAt: "2026-03-04T11:00:00.000Z" };

describe("redactPersonalData", () => {
  it("replaces emails, phone numbers, long numbers and the customer's names", () => {
    const text =
      "Hi Maria, refunded order 884213 to the Visa ending 4242; call +1 415 555 0199 or mail maria.lopez@example.com. Thanks, MARIA LOPEZ";
    expect(redactPersonalData(text, ["Maria Lopez", "maria.lopez"])).toBe(
      "Hi [customer], refunded order [number] to the Visa ending [number]; call [phone] or mail [email]. Thanks, [customer] [customer]",
    );
  });

  it("leaves words that merely contain a name, and short numbers, alone", () => {
    expect(redactPersonalData("Annotated the 5-10 day window for Ann", ["Ann"])).toBe(
      "Annotated the 5-10 day window for [customer]",
    );
  });
});

describe("resolvedCaseFrom", () => {
  it("takes the agent's last public lines as notes, without the customer's personal data", () => {
    const c = resolvedCaseFrom(
      resolved,
      [
        message(1, "customer", "My refund for order 884213 never arrived"),
        message(2, "agent", "Checking with the bank now", { internal: true }),
        message(
          3,
          "agent",
          "Hi Maria, I re-issued the refund to your card ending 4242, write to maria@example.com if it is not there by Friday",
        ),
      ],
      customer,
    );
    expect(c).toMatchObject({
      conversationId: "conv-9",
      resolutionCode: "refund_reissued",
      issueText: "My refund for order 884213 never arrived",
    });
    expect(c?.resolutionNotes).toBe(
      "Hi [customer], I re-issued the refund to your card ending [number], write to [email] if it is not there by Friday",
    );
  });

  it("uses the AI's answer for a customer-confirmed resolution, and skips cases where nothing says what resolved them", () => {
    const confirmed = resolvedCaseFrom(
      { ...resolved, resolutionCode: "customer_confirmed" },
      [
        message(1, "customer", "How long do refunds take?"),
        message(2, "ai", "Refunds reach your card within 5 business days."),
        message(3, "customer", "Thanks, that answers it"),
        message(4, "ai", "Glad I could help!", { meta: { kind: "resolution_confirmed" } }),
      ],
      customer,
    );
    expect(confirmed?.resolutionNotes).toBe("Refunds reach your card within 5 business days.");
    const closed = resolvedCaseFrom(
      { ...resolved, resolutionCode: "customer_closed" },
      [message(1, "customer", "where is my refund"), message(2, "ai", "Let me check that for you.")],
      customer,
    );
    expect(closed).toBeNull();
  });
});
