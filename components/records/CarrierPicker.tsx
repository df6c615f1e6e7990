/**
 * @module components/records/CarrierPicker
 * The carriers to book a load with, as a table: insurance status in words (never colour alone),
 * the rate of the carrier's latest load, open loads and the next pickup appointment. "Choose"
 * reloads the booking screen with that carrier filled in; a search narrows the list. Works
 * without JavaScript.
 */
import type { CarrierChoice } from "../../domain/flows/carriers.ts";
import * as fmt from "../../domain/format.ts";

const INSURANCE: Record<CarrierChoice["insurance_status"], { label: string; tone: string }> = {
  current: { label: "Insured", tone: "ok" },
  expiring: { label: "Expires soon", tone: "warn" },
  expired: { label: "Expired", tone: "bad" },
  unknown: { label: "Not on file", tone: "warn" },
};

/** The carrier picker of the booking screen. */
export function CarrierPicker(
  props: {
    carriers: CarrierChoice[];
    format: fmt.FormatSettings;
    query: string;
    /** The booking screen's address: choosing reloads it with `carrier_id`. */
    action: string;
  },
) {
  return (
    <section class="carrier-picker" aria-labelledby="carrier-picker-title">
      <h2 id="carrier-picker-title">Carriers</h2>
      <form method="get" action={props.action} class="inline-search" role="search">
        <label for="carrier-q">Find a carrier</label>
        <input id="carrier-q" name="carrier_q" type="search" defaultValue={props.query} />
        <button class="button small secondary" type="submit">Search</button>
      </form>
      {props.carriers.length === 0
        ? <p class="empty-state">No carrier matches. Add one under Carriers.</p>
        : (
          <div class="table-wrap">
            <table class="records">
              <thead>
                <tr>
                  <th scope="col">Carrier</th>
                  <th scope="col">Insurance</th>
                  <th scope="col" class="num">Latest rate</th>
                  <th scope="col" class="num">Open loads</th>
                  <th scope="col">Next pickup</th>
                  <th scope="col">
                    <span class="visually-hidden">Choose</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {props.carriers.map((carrier) => {
                  const ins = INSURANCE[carrier.insurance_status];
                  return (
                    <tr key={carrier.id} data-carrier={carrier.id}>
                      <th scope="row">
                        {carrier.name}
                        {carrier.mc_number ? <small>MC {carrier.mc_number}</small> : null}
                      </th>
                      <td data-label="Insurance">
                        <span class={`badge ${ins.tone}`}>{ins.label}</span>
                        {carrier.insurance_expires
                          ? <small>{fmt.date(carrier.insurance_expires, props.format)}</small>
                          : null}
                      </td>
                      <td class="num" data-label="Latest rate">
                        {carrier.last_rate_cents === null
                          ? "—"
                          : fmt.money(carrier.last_rate_cents, props.format)}
                      </td>
                      <td class="num" data-label="Open loads">{carrier.open_loads}</td>
                      <td data-label="Next pickup">
                        {carrier.next_appointment
                          ? fmt.dateTime(carrier.next_appointment, props.format)
                          : "—"}
                      </td>
                      <td>
                        <a
                          class="button small secondary"
                          href={`${props.action}?carrier_id=${carrier.id}`}
                          aria-label={`Choose ${carrier.name}`}
                        >
                          Choose
                        </a>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
    </section>
  );
}
