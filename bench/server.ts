/**
 * @module bench/server
 * The process wrk measures: the real app on PORT and, in the same process, a bare Hono route on
 * PORT+1, so both figures share the runtime and the machine's state in one run.
 */
import { Hono } from "hono";
import { loadConfig } from "../config.ts";
import { createServices } from "../services.ts";
import { createApp } from "../app.ts";

const config = loadConfig();
const services = await createServices(config);
const app = createApp(services);
Deno.serve(
  { port: config.PORT, hostname: "127.0.0.1", onListen() {} },
  (req, info) => app.fetch(req, info),
);

const bare = new Hono();
bare.get("/", (c) => c.json({ hello: "world" }));
Deno.serve({ port: config.PORT + 1, hostname: "127.0.0.1", onListen() {} }, bare.fetch);
console.log("ready");
