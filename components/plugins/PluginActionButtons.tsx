/**
 * @module components/plugins/PluginActionButtons
 * The buttons of installed plugins' actions on a record list or a record page: each a small form
 * posting the record ids (none on a list: the action takes what it exports itself).
 */
import { CsrfInput } from "../Form.tsx";

export interface PluginActionButton {
  plugin: string;
  id: string;
  label: string;
}

/** One form per action; `ids` are the records it acts on. */
export function PluginActionButtons(
  props: { actions: PluginActionButton[]; ids?: string[]; csrf: string },
) {
  return (
    <>
      {props.actions.map((a) => (
        <form
          key={`${a.plugin}/${a.id}`}
          method="post"
          action={`/plugins/${a.plugin}/actions/${a.id}`}
          class="inline-form"
        >
          <CsrfInput token={props.csrf} />
          {(props.ids ?? []).map((id) => <input key={id} type="hidden" name="id" value={id} />)}
          <button class="button secondary" type="submit">{a.label}</button>
        </form>
      ))}
    </>
  );
}
