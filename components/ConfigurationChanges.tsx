/**
 * @module components/ConfigurationChanges
 * A configuration diff as a table (path, before, after): the import preview and the history
 * show the same thing the same way.
 */
export interface ChangeRow {
  path: string;
  from: unknown;
  to: unknown;
}

function shown(value: unknown): string {
  if (value === undefined) return "(absent)";
  if (value === null) return "(none)";
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** The changes, or a line saying there are none. */
export function ConfigurationChanges(props: { changes: readonly ChangeRow[]; label: string }) {
  if (props.changes.length === 0) return <p class="muted">No changes.</p>;
  return (
    <div class="table-wrap" tabIndex={0} role="region" aria-label={props.label}>
      <table class="changes">
        <thead>
          <tr>
            <th scope="col">Setting</th>
            <th scope="col">Before</th>
            <th scope="col">After</th>
          </tr>
        </thead>
        <tbody>
          {props.changes.map((c) => (
            <tr key={c.path}>
              <td>
                <code>{c.path}</code>
              </td>
              <td>{shown(c.from)}</td>
              <td>{shown(c.to)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
