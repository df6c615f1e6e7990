/**
 * @module app
 * Builds the Hono app: middleware in the order of DESIGN.md ("A request's way"), then the routes.
 */
import { Hono } from "hono";
import type { AppEnv } from "./http/env.ts";
import type { Services } from "./services.ts";
import { requestPipeline } from "./http/middleware.ts";
import { compressResponses } from "./http/compress.ts";
import { capBodies } from "./http/body_cap.ts";
import { chain } from "./http/chain.ts";
import { answerWithoutNeedlessPromises } from "./http/dispatch.ts";
import { CachedRouter } from "./http/cached_router.ts";
import { handleError, handleNotFound } from "./http/errors.ts";
import { resolveTenant, tenantRateLimit } from "./tenants/middleware.ts";
import { authenticate } from "./auth/middleware.ts";
import { billingGate } from "./billing/middleware.ts";
import { idempotentPosts } from "./http/idempotency.ts";
import { loadConfiguration } from "./customization/middleware.ts";
import { chooseRequestLanguage } from "./i18n/middleware.ts";
import { assetRoutes } from "./framework/assets.ts";
import { healthRoutes } from "./routes/health.ts";
import { metricsRoutes } from "./routes/metrics.ts";
import { portalRoutes } from "./routes/portal/mod.ts";
import apiSignup from "./routes/api/v1/signup.ts";
import apiTokens from "./routes/api/v1/auth/tokens.ts";
import apiMe from "./routes/api/v1/me.ts";
import authHandoff from "./routes/auth/handoff.ts";
import apiSession from "./routes/api/v1/auth/session.ts";
import apiPasskeys from "./routes/api/v1/auth/passkeys.ts";
import pageSettingsPasskeys from "./routes/settings/passkeys.tsx";
import authSso from "./routes/auth/sso.ts";
import pageSettingsSso from "./routes/settings/sso.tsx";
import pageSettingsPayments from "./routes/settings/payments.tsx";
import pageSettingsExchangeRates from "./routes/settings/exchange_rates.tsx";
import apiPassword from "./routes/api/v1/auth/password.ts";
import apiVerify from "./routes/api/v1/auth/verify.ts";
import apiInvitations from "./routes/api/v1/invitations.ts";
import apiMembers from "./routes/api/v1/members.ts";
import apiWorkspaceTokens from "./routes/api/v1/workspace_tokens.ts";
import apiDomains from "./routes/api/v1/domains.ts";
import pageSettingsDomains from "./routes/settings/domains.tsx";
import pageSettingsWebhooks from "./routes/settings/webhooks.tsx";
import pageSettingsAlerts from "./routes/settings/alerts.tsx";
import pageSettingsPlugins from "./routes/settings/plugins.tsx";
import pagePluginActions from "./routes/plugins/actions.tsx";
import pagePluginViews from "./routes/plugins/views.tsx";
import devMail from "./routes/dev/mail.tsx";
import pageIndex from "./routes/index.tsx";
import pageSignup from "./routes/signup.tsx";
import pageLogin from "./routes/login.tsx";
import pageLoginSecondFactor from "./routes/login/second_factor.tsx";
import pageLoginUnlock from "./routes/login/unlock.tsx";
import pageSettingsSecondFactor from "./routes/settings/profile/second_factor.tsx";
import pageSettingsSessions from "./routes/settings/profile/sessions.tsx";
import pageSettingsSecondFactorPolicy from "./routes/settings/members/second_factor_policy.tsx";
import apiSessions from "./routes/api/v1/auth/sessions.ts";
import pagePasswordReset from "./routes/password_reset.tsx";
import pageInvitationAccept from "./routes/invitations/accept.tsx";
import pageSettingsProfile from "./routes/settings/profile.tsx";
import pageSettingsCompany from "./routes/settings/company.tsx";
import pageSettingsMembers from "./routes/settings/members.tsx";
import pageSettingsTokens from "./routes/settings/tokens.tsx";
import apiRecords from "./routes/api/v1/records.ts";
import apiFlows from "./routes/records/flows_api.ts";
import pageFlows from "./routes/records/flows.tsx";
import pageFlowsMoney from "./routes/records/flows_money.tsx";
import apiDisputes from "./routes/records/disputes_api.ts";
import pageDisputes from "./routes/records/disputes.tsx";
import apiSearch from "./routes/api/v1/search.ts";
import pageRecords from "./routes/records/pages.tsx";
import paperworkDownloads from "./routes/paperwork.ts";
import pageImport from "./routes/records/csv_import.tsx";
import pageSearch from "./routes/search.tsx";
import { apiDocsRoutes } from "./routes/api/docs.tsx";
import apiOptionLists from "./routes/api/v1/option_lists.ts";
import pageOptionLists from "./routes/settings/option_lists.tsx";
import pageReports from "./routes/reports.tsx";
import apiAssistant from "./routes/api/v1/assistant.ts";
import pageAssistant from "./routes/assistant.tsx";
import stripeWebhook from "./routes/webhooks/stripe.ts";
import pageSettingsBilling from "./routes/settings/billing.tsx";
import pageSettingsJobs from "./routes/settings/jobs.tsx";
import pageSettingsDocuments from "./routes/settings/documents.tsx";
import apiExports from "./routes/api/v1/exports.ts";
import pageSettingsData from "./routes/settings/data.tsx";
import pageOperatorJobs from "./routes/operator/jobs.tsx";
import apiDocuments from "./routes/api/v1/documents.ts";
import pageDocuments from "./routes/documents/pages.tsx";
import pageHelp from "./routes/help.tsx";
import apiEvents from "./routes/events.ts";
import apiNotifications from "./routes/api/v1/notifications.ts";
import pageNotifications from "./routes/notifications.tsx";
import pagePwa from "./routes/pwa.tsx";
import pageDocumentsCamera from "./routes/documents/camera.tsx";
import apiDocumentCaptures from "./routes/api/v1/documents/captures.ts";
import apiActivity from "./routes/api/v1/activity.ts";
import pageActivity from "./routes/activity.tsx";
import apiConfig from "./routes/api/v1/config.ts";
import apiCustomFields from "./routes/api/v1/custom_fields.ts";
import { tenantApiDocument } from "./routes/api/v1/_record_docs.ts";
import apiApprovals from "./routes/api/v1/approvals.ts";
import pageApprovals from "./routes/approvals.tsx";
import themeRoutes from "./routes/theme.ts";
import pageSettingsConfiguration from "./routes/settings/configuration.tsx";
import apiSecurity from "./routes/api/v1/security.ts";
import apiWebhookEndpoints from "./routes/api/v1/webhook_endpoints.ts";
import apiAlertRules from "./routes/api/v1/alert_rules.ts";
import { watchCommits } from "./commit_watchers.ts";
import pageSettingsSecurity from "./routes/settings/security.tsx";
import pageOperatorSecurity from "./routes/operator/security.tsx";
import pageOperatorTenants from "./routes/operator/tenants.tsx";
import pageOperatorAlerts from "./routes/operator/alerts.tsx";
import operatorView from "./routes/operator/view.ts";
import pageWhatsNew from "./routes/whats_new.tsx";
import pageOperatorReleases from "./routes/operator/releases.tsx";
import { operatorView as operatorViewLayer } from "./http/impersonation.ts";

/** Creates the app for a set of services (one per process; tests make their own). */
export function createApp(services: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>({ router: new CachedRouter() });
  // Notifications and outbound webhooks of what this process commits (commit_watchers.ts).
  watchCommits(services);
  app.onError(handleError);
  app.notFound(handleNotFound);
  // A request whose handlers wait on nothing is answered without a promise (http/dispatch.ts).
  answerWithoutNeedlessPromises(app, handleError, handleNotFound);

  // Health checks and hashed assets answer on any host, before rate limits and tenant lookups.
  app.route("/", healthRoutes(services));
  // Only with METRICS_TOKEN, for operators; Fly scrapes METRICS_PORT instead (main.ts).
  app.route("/", metricsRoutes(services, "token"));
  app.route("/", assetRoutes(services.assets));
  // The customer invoice portal: its own chain, no session or cookies (routes/portal/mod.ts).
  app.route("/", portalRoutes(services));
  app.use(
    "*",
    chain(
      // Outermost, so it sees each response with its final headers (assets compress at build).
      compressResponses(),
      requestPipeline(services),
      // Every body under its route's cap before any route reads it (http/body_cap.ts).
      capBodies(services.config),
      resolveTenant(services.config.APP_DOMAIN),
      loadConfiguration(),
      authenticate(),
      // The language pages are written in: the member's choice, the browser's (i18n/).
      chooseRequestLanguage(),
      // An operator's read-only view of a workspace, bannered (ops/impersonation.ts).
      operatorViewLayer(),
      // Per workspace, once the caller is known: members' requests only (tenants/middleware.ts).
      tenantRateLimit(),
      billingGate(),
      // Room for an upload at its limit plus the multipart framing around it.
      idempotentPosts(services.config.DOCUMENT_MAX_BYTES + 1024 * 1024),
    ),
  );

  for (
    const routes of [
      apiSignup,
      apiTokens,
      apiMe,
      authHandoff,
      apiSession,
      apiSessions,
      apiPasskeys,
      apiPassword,
      apiVerify,
      apiInvitations,
      apiMembers,
      apiWorkspaceTokens,
      apiDomains,
      devMail,
      pageIndex,
      pageSignup,
      pageLogin,
      pageLoginSecondFactor,
      pageLoginUnlock,
      pagePasswordReset,
      pageInvitationAccept,
      pageSettingsProfile,
      pageSettingsSecondFactor,
      pageSettingsSessions,
      pageSettingsPasskeys,
      authSso,
      pageSettingsSso,
      pageSettingsPayments,
      pageSettingsExchangeRates,
      pageSettingsCompany,
      pageSettingsSecondFactorPolicy,
      pageSettingsMembers,
      pageSettingsTokens,
      pageSettingsDomains,
      pageSettingsWebhooks,
      pageSettingsAlerts,
      pageSettingsPlugins,
      pagePluginActions,
      pagePluginViews,
      pageSettingsBilling,
      stripeWebhook,
      apiRecords,
      apiFlows,
      apiSearch,
      pageSearch,
      apiDocsRoutes(() => app.routes, tenantApiDocument),
      apiOptionLists,
      pageOptionLists,
      pageReports,
      apiAssistant,
      pageAssistant,
      pageSettingsJobs,
      pageSettingsDocuments,
      apiExports,
      pageSettingsData,
      apiSecurity,
      apiWebhookEndpoints,
      apiAlertRules,
      pageSettingsSecurity,
      pageOperatorJobs,
      pageOperatorSecurity,
      pageOperatorTenants,
      pageOperatorAlerts,
      operatorView,
      pageWhatsNew,
      pageOperatorReleases,
      // The installable app and its camera (issue 17); before /documents/:id takes "camera".
      pagePwa,
      pageDocumentsCamera,
      apiDocumentCaptures,
      apiDocuments,
      pageDocuments,
      pageImport,
      pageHelp,
      apiEvents,
      apiNotifications,
      pageNotifications,
      apiActivity,
      pageActivity,
      apiConfig,
      apiCustomFields,
      apiApprovals,
      pageApprovals,
      themeRoutes,
      pageSettingsConfiguration,
      paperworkDownloads,
      pageFlows,
      pageFlowsMoney,
      apiDisputes,
      pageDisputes,
      pageRecords,
    ]
  ) app.route("/", routes);
  return app;
}
