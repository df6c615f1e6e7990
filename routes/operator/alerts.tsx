import { Hono } from "hono";
import { z } from "zod";
import { operatorOnly } from "../../auth/middleware.ts";
import { recordSecurityEvent } from "../../security/events.ts";
import type { AppContext, AppEnv } from "../../http/env.ts";
import { renderPublic } from "../../http/page.tsx";
import { InvalidError } from "../../domain/errors.ts";
import {
  activeSilences,
  addRule,
  addSilence,
  listAlerts,
  listRules,
  setRuleEnabled,
  SEVERITIES,
} from "../../ops/alerts.ts";
import {
  addChannel,
  CHANNEL_KINDS,
  listChannels,
  removeChannel,
} from "../../ops/alert_channels.ts";
import { SIGNALS } from "../../ops/alert_signals.ts";
import { OperatorNav } from "../../components/OperatorTenants.tsx";
import {
  AlertsTable,
  ChannelForm,
  ChannelsTable,
  RuleForm,
  RulesTable,
} from "../../components/OperatorAlerts.tsx";

const app = new Hono<AppEnv>();
app.use("/operator/alerts", operatorOnly());
app.use("/operator/alerts/*", operatorOnly());

const optionalNumber = z.preprocess(
  (v) => (v === "" || v === undefined ? null : Number(v)),
  z.number().finite().min(0).nullable(),
);

const ruleForm = z.object({
  name: z.string().trim().min(3).max(120),
  kind: z.enum(["threshold", "anomaly"]),
  signal: z.enum(SIGNALS),
  scope: z.enum(["tenant", "service"]),
  threshold: optionalNumber,
  min_events: z.coerce.number().int().min(0).max(1_000_000),
  severity: z.enum(SEVERITIES),
});

const channelForm = z.object({
  name: z.string().trim().min(1).max(120),
  channel_kind: z.enum(CHANNEL_KINDS),
  target: z.string().trim().min(1).max(500),
  secret: z.string().trim().max(500).optional().transform((s) => s || null),
  min_severity: z.enum(SEVERITIES),
}).superRefine((f, ctx) => {
  const url = (s: string | null) => !s || /^https?:\/\/[^\s]+$/.test(s);
  if (f.channel_kind === "email" && !/^[^\s@<>]+@[^\s@<>]+$/.test(f.target)) {
    ctx.addIssue({ code: "custom", path: ["target"], message: "Give an e-mail address." });
  }
  if ((f.channel_kind === "webhook" || f.channel_kind === "slack") && !url(f.target)) {
    ctx.addIssue({ code: "custom", path: ["target"], message: "Give an http(s) URL." });
  }
  if (f.channel_kind === "pagerduty" && !url(f.secret)) {
    ctx.addIssue({
      code: "custom",
      path: ["secret"],
      message: "The events URL is an http(s) URL.",
    });
  }
});

const silenceForm = z.object({
  rule_id: z.string().trim().max(60).optional().transform((s) => s || null),
  tenant_slug: z.string().trim().max(63).optional().transform((s) => s || null),
  hours: z.coerce.number().min(0.25).max(24 * 14),
  reason: z.string().trim().min(3).max(500),
});

async function formOf<T extends z.ZodType>(c: AppContext, schema: T): Promise<z.infer<T>> {
  const parsed = schema.safeParse(await c.req.parseBody());
  if (!parsed.success) {
    const details: Record<string, string[]> = {};
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? "form");
      (details[key] ??= []).push(issue.message);
    }
    throw new InvalidError("Some fields need another look.", details);
  }
  return parsed.data;
}

app.get("/operator/alerts", async (c) => {
  const { control, clock } = c.get("services");
  const slug = c.req.query("tenant")?.trim().toLowerCase() || undefined;
  const csrf = c.get("csrfToken");
  const [alerts, rules, channels, silences] = await Promise.all([
    listAlerts(control, { tenantSlug: slug, limit: 200 }),
    listRules(control),
    listChannels(control),
    activeSilences(control, clock.now()),
  ]);
  return renderPublic(
    c,
    "Alerts · Operator",
    <section class="operator">
      <h1>Alerts{slug ? ` of ${slug}` : ""}</h1>
      <OperatorNav current="alerts" />
      <p class="muted">
        Rules are judged every 5 minutes over every workspace. An alert notifies its channels once
        when it fires and once when it resolves; a silence holds the notifications, not the alert.
      </p>
      {c.req.query("done") ? <p class="flash success" role="status">Saved.</p> : null}
      <AlertsTable alerts={alerts} csrf={csrf} />
      <h2>Silences</h2>
      {silences.length
        ? (
          <ul>
            {silences.map((s, i) => (
              <li key={i}>
                {s.ruleId ?? "any rule"}, {s.tenantSlug ?? "any workspace"}, until{" "}
                {s.until.slice(0, 16).replace("T", " ")} UTC: {s.reason}
              </li>
            ))}
          </ul>
        )
        : <p class="muted">None.</p>}
      <h2>Rules</h2>
      <RulesTable rules={rules} csrf={csrf} />
      <details>
        <summary>Add a rule</summary>
        <RuleForm csrf={csrf} signals={SIGNALS} severities={SEVERITIES} />
      </details>
      <h2>Channels</h2>
      <ChannelsTable channels={channels} csrf={csrf} />
      <details>
        <summary>Add a channel</summary>
        <ChannelForm csrf={csrf} kinds={CHANNEL_KINDS} severities={SEVERITIES} />
      </details>
    </section>,
  );
});

app.post("/operator/alerts/rules", async (c) => {
  const f = await formOf(c, ruleForm);
  const { control, clock } = c.get("services");
  const id = await addRule(control, {
    name: f.name,
    kind: f.kind,
    signal: f.signal,
    scope: f.scope,
    threshold: f.threshold,
    minEvents: f.min_events,
    severity: f.severity,
  }, clock.now());
  await recordSecurityEvent(c, {
    action: "operator.alert_rule_added",
    target: f.name,
    details: { id, kind: f.kind, signal: f.signal, scope: f.scope, threshold: f.threshold },
    operator: true,
  });
  return c.redirect("/operator/alerts?done=1", 303);
});

for (const verb of ["enable", "disable"] as const) {
  app.post(`/operator/alerts/rules/:id/${verb}`, async (c) => {
    const { control, clock } = c.get("services");
    await setRuleEnabled(control, c.req.param("id"), verb === "enable", clock.now());
    await recordSecurityEvent(c, {
      action: `operator.alert_rule_${verb}d`,
      target: c.req.param("id"),
      operator: true,
    });
    return c.redirect("/operator/alerts?done=1", 303);
  });
}

app.post("/operator/alerts/channels", async (c) => {
  const f = await formOf(c, channelForm);
  const { control, clock } = c.get("services");
  await addChannel(control, {
    name: f.name,
    kind: f.channel_kind,
    target: f.target,
    secret: f.secret,
    minSeverity: f.min_severity,
  }, clock.now());
  await recordSecurityEvent(c, {
    action: "operator.alert_channel_added",
    target: f.name,
    details: { kind: f.channel_kind },
    operator: true,
  });
  return c.redirect("/operator/alerts?done=1", 303);
});

app.post("/operator/alerts/channels/:id/remove", async (c) => {
  await removeChannel(c.get("services").control, c.req.param("id"));
  await recordSecurityEvent(c, {
    action: "operator.alert_channel_removed",
    target: c.req.param("id"),
    operator: true,
  });
  return c.redirect("/operator/alerts?done=1", 303);
});

app.post("/operator/alerts/silences", async (c) => {
  const f = await formOf(c, silenceForm);
  const { control, clock } = c.get("services");
  const now = clock.now();
  await addSilence(
    control,
    {
      ruleId: f.rule_id,
      tenantSlug: f.tenant_slug,
      until: new Date(now.getTime() + f.hours * 3600_000),
      reason: f.reason,
    },
    c.get("auth")!.email,
    now,
  );
  await recordSecurityEvent(c, {
    action: "operator.alerts_silenced",
    target: [f.rule_id, f.tenant_slug].filter(Boolean).join(" "),
    details: { hours: f.hours, reason: f.reason },
    operator: true,
  });
  return c.redirect("/operator/alerts?done=1", 303);
});

export default app;
