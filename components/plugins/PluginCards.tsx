/**
 * @module components/plugins/PluginCards
 * Plugins' dashboard cards, drawn by the app from their declarative spec: a table, or bars as
 * <meter> elements (no inline style, which the page's CSP refuses), each with its text value.
 */
import type { CardSpec, RenderedCard } from "../../plugins/host/cards.ts";

function CardBody(props: { spec: CardSpec }) {
  const { spec } = props;
  if (spec.kind === "table") {
    return (
      <div class="table-scroll">
        <table>
          <thead>
            <tr>
              {spec.columns.map((c) => <th key={c.key} scope="col">{c.label}</th>)}
            </tr>
          </thead>
          <tbody>
            {spec.rows.map((row, i) => (
              <tr key={i}>
                {spec.columns.map((c) => <td key={c.key}>{String(row[c.key] ?? "")}</td>)}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    );
  }
  const max = Math.max(1, ...spec.bars.map((b) => b.value));
  return (
    <dl class="plugin-bars">
      {spec.bars.map((b, i) => (
        <div key={i}>
          <dt>{b.label}</dt>
          <dd>
            <meter min={0} max={max} value={b.value} aria-label={b.label} /> {b.value}
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** The cards, or nothing when no plugin has one. */
export function PluginCards(props: { cards: RenderedCard[] }) {
  if (props.cards.length === 0) return null;
  return (
    <div class="plugin-cards">
      {props.cards.map((card) => (
        <section class="card" key={`${card.plugin}/${card.title}`} data-plugin-card={card.plugin}>
          <h2>{card.title}</h2>
          {card.spec
            ? <CardBody spec={card.spec} />
            : <p class="muted" role="status">{card.error}</p>}
        </section>
      ))}
    </div>
  );
}
