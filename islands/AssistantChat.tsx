/**
 * @module islands/AssistantChat
 * The assistant's question form. Without JavaScript it posts to /assistant and the page shows
 * the answer. Hydrated, it asks the API for a streamed answer (server-sent events) and shows the
 * text as it is written, then the records it cites; follow-up questions continue the same
 * conversation.
 */
import { useRef, useState } from "preact/hooks";
import { type Language, type Messages, translatorOf } from "../i18n/format.ts";

/** The messages the island shows (a page passes `messagesFor(language, ASSISTANT_CHAT_MESSAGES)`). */
export const ASSISTANT_CHAT_MESSAGES = [
  "assistant_chat.failed",
  "assistant_chat.interrupted",
  "assistant_chat.you",
  "assistant_chat.assistant",
  "assistant_chat.records_used",
  "assistant_chat.question",
  "assistant_chat.ask",
] as const;

/** The island's English, when a page hands it no messages. */
const ENGLISH: Messages = {
  "assistant_chat.failed": "Failed ({status}).",
  "assistant_chat.interrupted": "The connection was interrupted. Try again.",
  "assistant_chat.you": "You",
  "assistant_chat.assistant": "Assistant",
  "assistant_chat.records_used": "Records used",
  "assistant_chat.question": "Your question",
  "assistant_chat.ask": "Ask",
};

interface Citation {
  url: string;
  title: string;
}

interface Turn {
  question: string;
  answer: string;
  citations: Citation[];
  state: "streaming" | "done" | "error";
}

export default function AssistantChat(
  props: {
    csrf: string;
    conversationId: string | null;
    language?: Language;
    messages?: Messages;
  },
) {
  const say = translatorOf(props.language ?? "en", props.messages ?? ENGLISH);
  const [conversationId, setConversationId] = useState(props.conversationId);
  const [turns, setTurns] = useState<Turn[]>([]);
  const [busy, setBusy] = useState(false);
  const textRef = useRef<HTMLTextAreaElement>(null);

  const update = (index: number, patch: Partial<Turn>) =>
    setTurns((all) => all.map((t, i) => (i === index ? { ...t, ...patch } : t)));

  const onSubmit = async (e: Event) => {
    const question = textRef.current?.value.trim() ?? "";
    if (!question || typeof ReadableStream === "undefined") return; // the plain form posts
    e.preventDefault();
    const index = turns.length;
    setTurns((all) => [...all, { question, answer: "", citations: [], state: "streaming" }]);
    setBusy(true);
    textRef.current!.value = "";
    try {
      const res = await fetch("/api/v1/assistant/messages", {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "content-type": "application/json",
          accept: "text/event-stream",
          "x-csrf-token": props.csrf,
        },
        body: JSON.stringify(
          conversationId
            ? { message: question, conversation_id: conversationId }
            : { message: question },
        ),
      });
      if (!res.ok || !res.body) {
        const body = await res.json().catch(() => null);
        update(index, {
          state: "error",
          answer: body?.error?.message ?? say("assistant_chat.failed", { status: res.status }),
        });
        return;
      }
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      let answer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let cut;
        while ((cut = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1] ?? "message";
          const data = JSON.parse(
            block.split("\n").filter((l) => l.startsWith("data: ")).map((l) => l.slice(6)).join(
              "\n",
            ) || "{}",
          );
          if (event === "delta") {
            answer += data.text;
            update(index, { answer });
          } else if (event === "done") {
            update(index, { answer: data.reply, citations: data.citations, state: "done" });
            setConversationId(data.conversation_id);
            history.replaceState(null, "", `/assistant?c=${data.conversation_id}`);
          } else if (event === "error") {
            update(index, { answer: data.message, state: "error" });
          }
        }
      }
    } catch {
      update(index, { state: "error", answer: say("assistant_chat.interrupted") });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="assistant-chat-island">
      {turns.length
        ? (
          <ol class="chat-log" aria-live="polite" data-live-chat>
            {turns.map((t, i) => [
              <li key={`q${i}`} class="chat-user">
                <p class="chat-who">{say("assistant_chat.you")}</p>
                <div class="chat-text">{t.question}</div>
              </li>,
              <li key={`a${i}`} class="chat-assistant" data-state={t.state}>
                <p class="chat-who">{say("assistant_chat.assistant")}</p>
                <div class={t.state === "error" ? "chat-text error" : "chat-text"}>
                  {t.answer || "…"}
                </div>
                {t.citations.length
                  ? (
                    <ul class="chat-citations" aria-label={say("assistant_chat.records_used")}>
                      {t.citations.map((c) => (
                        <li key={c.url}>
                          <a href={c.url}>{c.title}</a>
                        </li>
                      ))}
                    </ul>
                  )
                  : null}
              </li>,
            ])}
          </ol>
        )
        : null}
      <form method="post" action="/assistant" class="chat-form" onSubmit={onSubmit}>
        <input type="hidden" name="_csrf" value={props.csrf} />
        {conversationId
          ? <input type="hidden" name="conversation_id" value={conversationId} />
          : null}
        <label for="chat-message">{say("assistant_chat.question")}</label>
        <textarea
          id="chat-message"
          name="message"
          rows={2}
          required
          maxLength={2000}
          ref={textRef}
        />
        <button class="button primary" type="submit" disabled={busy}>
          {say("assistant_chat.ask")}
        </button>
      </form>
    </div>
  );
}
