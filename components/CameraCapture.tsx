/**
 * @module components/CameraCapture
 * "Photograph BOL / POD" (issue 17): a plain multipart form whose file input asks a phone for its
 * rear camera (`capture="environment"`); on a desktop it opens the file chooser. The photo goes
 * into the document reader attached to the load, through `POST /documents/camera`. No script is
 * needed; offline, the service worker keeps the photo and sends it when the phone is back online.
 */
import { useT } from "./Words.tsx";
import { CsrfInput } from "./Form.tsx";

export interface CameraCaptureProps {
  csrfToken: string;
  /** The load the photo is for, on a load's page; absent, the form asks which load. */
  loadId?: string;
  /** The loads to choose from when no load is given (newest first). */
  loads?: ReadonlyArray<{ id: string; title: string }>;
}

/** The camera form: a load (given or chosen), the photo, and a send button. */
export function CameraCapture(props: CameraCaptureProps) {
  const inputId = props.loadId ? `camera-${props.loadId}` : "camera-photo";
  const t = useT();
  return (
    <form
      class="camera-capture"
      method="post"
      action="/documents/camera"
      enctype="multipart/form-data"
      data-camera-capture
    >
      <CsrfInput token={props.csrfToken} />
      {props.loadId
        ? <input type="hidden" name="load_id" value={props.loadId} />
        : (
          <div class="field">
            <label for="camera-load">{t("camera.load")}</label>
            <select id="camera-load" name="load_id" required>
              <option value="">{t("camera.choose_load")}</option>
              {(props.loads ?? []).map((load) => (
                <option key={load.id} value={load.id}>{load.title}</option>
              ))}
            </select>
          </div>
        )}
      <div class="field">
        <label for={inputId}>{t("camera.photo")}</label>
        <input
          id={inputId}
          type="file"
          name="file"
          accept="image/*"
          capture="environment"
          required
        />
      </div>
      <button class="button primary" type="submit">{t("camera.upload")}</button>
    </form>
  );
}
