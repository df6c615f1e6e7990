/**
 * @module components/payables/BillMatchNotice
 * On a bill's page: how the bill compares with its load or purchase order, each difference with
 * whether it is over the tenant's tolerance (Settings → Company → Bill matching).
 */
import type { BillMatch } from "../../domain/payables/match.ts";
import * as fmt from "../../domain/format.ts";
import { T } from "../Words.tsx";

const HEADLINE: Record<BillMatch["status"], string> = {
  not_linked: "Not matched: link the load (carrier bill) or the purchase order (supplier invoice).",
  matched: "Matched: within tolerance.",
  differences: "Differences over tolerance: check before paying.",
  incomplete: "Matched so far; the weight received is still to come.",
};

export function BillMatchNotice(props: { match: BillMatch; format: fmt.FormatSettings }) {
  const { match, format } = props;
  const amount = (n: number, unit: "cents" | "lb") =>
    unit === "cents" ? fmt.money(n, format) : n === 0 ? "0 LB" : fmt.weight(n, "LB", format);
  const signed = (n: number, unit: "cents" | "lb") => (n > 0 ? "+" : "") + amount(n, unit);
  const tolerance = `${match.tolerance.percent}% or ${fmt.money(match.tolerance.cents, format)}`;
  return (
    <div
      class={match.status === "differences" ? "flash warning" : "flash"}
      role="status"
      data-match={match.status}
    >
      <p>
        <strong>{HEADLINE[match.status]}</strong>
        {match.against
          ? (
            <>
              {" "}
              <a href={`/${match.against.collection}/${match.against.id}`}>
                <T>{match.against.collection === "loads" ? "The load" : "The purchase order"}</T>
              </a>
              {` (tolerance ${tolerance}).`}
            </>
          )
          : null}
      </p>
      {match.checks.length
        ? (
          <ul>
            {match.checks.map((c) => (
              <li key={c.check} data-check={c.check} data-over={String(c.over_tolerance)}>
                {c.label}: {amount(c.billed, c.unit)} billed, {amount(c.expected, c.unit)}{" "}
                expected ({signed(c.difference, c.unit)})
                {c.over_tolerance ? " — over tolerance" : ""}
              </li>
            ))}
          </ul>
        )
        : null}
      {match.problems.length ? <ul>{match.problems.map((p) => <li key={p}>{p}</li>)}</ul> : null}
    </div>
  );
}
