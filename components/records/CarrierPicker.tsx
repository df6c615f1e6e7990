/**
 * @module components/records/CarrierPicker
 * The carriers to book a load with, as a table: insurance status in words (never colour alone),
 * the rate of the carrier's latest load, open loads and the next pickup appointment. "Choose"
 * reloads the booking screen with that carrier filled in; a search narrows the list. Works
 * without JavaScript.
 */
import { useT } from "../Words.tsx";
import type { CarrierChoice } from "../../domain/flows/carriers.ts";
import * as fmt from "../../domain/format.ts";

const INSURANCE: Record<CarrierChoice["insurance_status"], { label: string; tone: string }> = {
  current: { label: "carrier_picker.insured", tone: "ok" },
  expiring: { label: "carrier_picker.expires_soon", tone: "warn" },
  expired: { label: "carrier_picker.expired", tone: "bad" },
  unknown: { label: "carrier_picker.not_on_file", tone: "warn" },
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
  const t = useT();
  return (
    <section class="carrier-picker" aria-labelledby="carrier-picker-title">
      <h2 id="carrier-picker-title">{t("carrier_picker.title")}</h2>
      <form method="get" action={props.action} class="inline-search" role="search">
        <label for="carrier-q">{t("carrier_picker.find")}</label>
        <input id="carrier-q" name="carrier_q" type="search" defaultValue={props.query} />
        <button class="button small secondary" type="submit">
          {t("carrier_picker.search")}
        </button>
      </form>
      {props.carriers.length === 0
        ? <p class="empty-state">{t("carrier_picker.none")}</p>
        : (
          <div class="table-wrap">
            <table class="records">
              <thead>
                <tr>
                  <th scope="col">{t("carrier_picker.carrier")}</th>
                  <th scope="col">{t("carrier_picker.insurance")}</th>
                  <th scope="col" class="num">{t("carrier_picker.latest_rate")}</th>
                  <th scope="col" class="num">{t("carrier_picker.open_loads")}</th>
                  <th scope="col">{t("carrier_picker.next_pickup")}</th>
                  <th scope="col">
                    <span class="visually-hidden">{t("carrier_picker.choose")}</span>
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
                      <td data-label={t("carrier_picker.insurance")}>
                        <span class={`badge ${ins.tone}`}>{t(ins.label)}</span>
                        {carrier.insurance_expires
                          ? <small>{fmt.date(carrier.insurance_expires, props.format)}</small>
                          : null}
                      </td>
                      <td class="num" data-label={t("carrier_picker.latest_rate")}>
                        {carrier.last_rate_cents === null
                          ? "—"
                          : fmt.money(carrier.last_rate_cents, props.format)}
                      </td>
                      <td class="num" data-label={t("carrier_picker.open_loads")}>
                        {carrier.open_loads}
                      </td>
                      <td data-label={t("carrier_picker.next_pickup")}>
                        {carrier.next_appointment
                          ? fmt.dateTime(carrier.next_appointment, props.format)
                          : "—"}
                      </td>
                      <td>
                        <a
                          class="button small secondary"
                          href={`${props.action}?carrier_id=${carrier.id}`}
                          aria-label={t("carrier_picker.choose_named", { name: carrier.name })}
                        >
                          {t("carrier_picker.choose")}
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
