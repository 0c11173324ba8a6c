import { type Session, sessionListResponse, workspaceSessionEventSchema } from "@burstflare/sdk/schemas/sessions";
import { beforeAll, describe, expect, it } from "vitest";
import { api, createSession, expectOK, sessionAction } from "./helpers/api";
import { flare, flareHome, flareJSON, signIn } from "./helpers/flare";
import { createStackTemplate } from "./helpers/templates";
import { createStackUser, type StackUser, stackOperator } from "./helpers/users";

/** Reads one SSE response incrementally; `waitFor` resolves once the text read so far satisfies it. */
class SSEReader {
  text = "";
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly decoder = new TextDecoder();

  constructor(res: Response) {
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    this.reader = (res.body as ReadableStream<Uint8Array>).getReader();
  }

  async waitFor(done: (text: string) => boolean, what: string, timeoutMs = 30_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (!done(this.text)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; got: ${this.text.slice(-600)}`);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<"timeout">((r) => {
        timer = setTimeout(() => r("timeout"), left);
      });
      const read = await Promise.race([this.reader.read(), timeout]);
      clearTimeout(timer);
      if (read === "timeout") continue;
      if (read.done) throw new Error(`stream ended while waiting for ${what}; got: ${this.text.slice(-600)}`);
      this.text += this.decoder.decode(read.value, { stream: true });
    }
    return this.text;
  }

  /** The `event: session` messages read so far. */
  sessionEvents() {
    return [...this.text.matchAll(/id: (\d+)\nevent: session\ndata: (.*)\n\n/g)].map((m) =>
      workspaceSessionEventSchema.parse(JSON.parse(m[2] ?? "")),
    );
  }

  async close(): Promise<void> {
    await this.reader.cancel().catch(() => {});
  }
}

const openEvents = async (user: StackUser, headers: Record<string, string> = {}) =>
  new SSEReader(await api(user, "GET /api/sessions/events", { headers }));

async function page(user: StackUser, query: string) {
  return sessionListResponse.parse(await expectOK(await api(user, "GET /api/sessions", { query })));
}

/** Follows nextCursor from the first page; also checks no page is larger than asked. */
async function walk(user: StackUser, query: string, limit: number): Promise<{ sessions: Session[]; pages: number }> {
  const sessions: Session[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const p = await page(user, `${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`);
    expect(p.sessions.length).toBeLessThanOrEqual(limit);
    sessions.push(...p.sessions);
    cursor = p.nextCursor;
    pages++;
  } while (cursor);
  return { sessions, pages };
}

/** Runs `fn` over `items` with at most `width` at once (the stack is one local Worker). */
async function inBatches<T, R>(items: T[], width: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += width) out.push(...(await Promise.all(items.slice(i, i + width).map(fn))));
  return out;
}

const OWNER_COUNT = 110;
const MEMBER_COUNT = 15;
const TEMPLATE_COUNT = 10;

describe("GET /api/sessions at scale: server-side pages and filters, one event stream per workspace", () => {
  let owner: StackUser;
  let member: StackUser;
  let stranger: StackUser;
  let templateId: string;
  let all: Session[];
  let strangerSession: Session;

  beforeAll(async () => {
    owner = await createStackUser();
    member = await createStackUser({ workspaceId: owner.workspaceId, role: "member" });
    stranger = await createStackUser();
    // The plan allows a handful of sessions; an operator lifts the limit for this workspace.
    await expectOK(
      await api(stackOperator(), "PUT /api/admin/workspaces/{workspaceId}/quota-overrides", {
        params: { workspaceId: owner.workspaceId },
        body: {
          overrides: { totalSessions: 1000 },
        },
      }),
    );
    templateId = await createStackTemplate(owner.workspaceId, { persistedPaths: ["."] });
    const specs = [
      ...Array.from({ length: OWNER_COUNT }, (_, i) => ({ user: owner, name: `app-${String(i).padStart(3, "0")}` })),
      ...Array.from({ length: MEMBER_COUNT }, (_, i) => ({ user: member, name: `mem-${String(i).padStart(2, "0")}` })),
      ...Array.from({ length: TEMPLATE_COUNT }, (_, i) => ({ user: owner, name: `tpl-${i}`, templateId })),
    ];
    all = await inBatches(specs, 6, (s) =>
      createSession(s.user, { name: s.name, start: false, ...("templateId" in s ? { templateId: s.templateId } : {}) }),
    );
    strangerSession = await createSession(stranger, { name: "app-000", start: false });
  }, 300_000);

  it("pages are complete, disjoint and newest first", async () => {
    const { sessions, pages } = await walk(owner, "", 50);
    expect(pages).toBe(Math.ceil(all.length / 50));
    const ids = sessions.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids)).toEqual(new Set(all.map((s) => s.id)));
    const keys = sessions.map((s) => `${s.createdAt}|${s.id}`);
    expect(keys).toEqual([...keys].sort().reverse());
    // The default page is one page, not the whole workspace.
    const first = await page(owner, "");
    expect(first.sessions).toHaveLength(50);
    expect(first.nextCursor).not.toBeNull();
  });

  it("filters by owner, template, exact name, name search and state, with paging under a filter", async () => {
    const mine = await walk(member, "owner=me", 7);
    expect(mine.sessions.map((s) => s.name).sort()).toEqual(
      Array.from({ length: MEMBER_COUNT }, (_, i) => `mem-${String(i).padStart(2, "0")}`),
    );
    expect(mine.pages).toBe(Math.ceil(MEMBER_COUNT / 7));
    const byId = await walk(owner, `owner=${member.userId}`, 200);
    expect(byId.sessions.every((s) => s.ownerId === member.userId)).toBe(true);
    expect(byId.sessions).toHaveLength(MEMBER_COUNT);

    const byTemplate = await walk(owner, `templateId=${templateId}`, 4);
    expect(byTemplate.sessions.map((s) => s.name).sort()).toEqual(Array.from({ length: TEMPLATE_COUNT }, (_, i) => `tpl-${i}`).sort());

    const exact = await page(owner, "name=app-007");
    expect(exact.sessions.map((s) => s.name)).toEqual(["app-007"]);
    expect(exact.nextCursor).toBeNull();

    const search = await walk(owner, "q=PP-01", 3); // search is case-insensitive: names are lowercase
    expect(search.sessions.map((s) => s.name).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `app-01${i}`));

    expect((await walk(owner, "state=created", 200)).sessions).toHaveLength(all.length);
    expect((await page(owner, "state=running,sleeping")).sessions).toEqual([]);
    expect((await page(owner, "q=zzz")).sessions).toEqual([]);
  });

  it("answers 400 with a JSON error to a bad query", async () => {
    const bad = [
      "state=bogus",
      "state=running,nope",
      "limit=0",
      "limit=201",
      "limit=ten",
      "cursor=!!",
      "cursor=bm90LWEtY3Vyc29y",
      "q=%25",
      "q=a_b",
      "owner=%20",
      `templateId=${"x".repeat(65)}`,
      "name=Not_A_Name",
    ];
    for (const query of bad) {
      const res = await api(owner, "GET /api/sessions", { query });
      expect(res.status, query).toBe(400);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code, query).toMatch(/^(validation_failed|bad_request)$/);
      expect(body.error.message.length, query).toBeGreaterThan(0);
    }
  });

  it("never shows another workspace's sessions, whatever the filter", async () => {
    const theirs = await walk(stranger, "", 200);
    expect(theirs.sessions.map((s) => s.id)).toEqual([strangerSession.id]);
    expect((await page(stranger, `owner=${owner.userId}`)).sessions).toEqual([]);
    expect((await page(stranger, `templateId=${templateId}`)).sessions).toEqual([]);
    expect((await page(stranger, "name=app-007")).sessions).toEqual([]);
    const ownerSide = await walk(owner, "name=app-000", 200);
    expect(ownerSide.sessions.map((s) => s.id)).not.toContain(strangerSession.id);
    // A cursor from one workspace's list pages nothing of it in another.
    const ownerCursor = (await page(owner, "limit=1")).nextCursor;
    expect((await page(stranger, `cursor=${ownerCursor}`)).sessions.every((s) => s.workspaceId === stranger.workspaceId)).toBe(true);
    expect((await api(null, "GET /api/sessions/events")).status).toBe(401);
  });

  it("pushes state changes of the workspace's sessions on one stream, and only to that workspace", async () => {
    const ownerStream = await openEvents(owner);
    const memberStream = await openEvents(member);
    const strangerStream = await openEvents(stranger);
    try {
      const target = all.find((s) => s.name === "app-042") as Session;
      const started = await sessionAction(owner, target.id, "start");
      expect(started.state).toBe("running");
      const hasRunning = (t: string) => t.includes(`"sessionId":"${target.id}","state":"running"`);
      await ownerStream.waitFor(hasRunning, "running event on the owner's stream");
      await memberStream.waitFor(hasRunning, "running event on the member's stream");
      const states = ownerStream.sessionEvents().filter((e) => e.sessionId === target.id);
      expect(states.map((e) => e.state)).toContain("starting");
      expect(states.at(-1)).toMatchObject({ state: "running", stateVersion: started.stateVersion });
      // The server-side filter sees the new state at once.
      expect((await page(owner, "state=running")).sessions.map((s) => s.id)).toEqual([target.id]);

      // A new session is announced too; the stranger's stream carries only the stranger's own.
      const fresh = await createSession(owner, { name: "fresh-one", start: false });
      await ownerStream.waitFor((t) => t.includes(`"sessionId":"${fresh.id}","state":"created"`), "created event");
      const own = await createSession(stranger, { name: "their-new", start: false });
      await strangerStream.waitFor((t) => t.includes(own.id), "the stranger's own event");
      expect(strangerStream.sessionEvents().every((e) => e.sessionId === own.id)).toBe(true);
      expect(strangerStream.text).not.toContain(target.id);

      const stopped = await sessionAction(owner, target.id, "stop");
      await ownerStream.waitFor((t) => t.includes(`"sessionId":"${target.id}","state":"stopped"`), "stopped event");
      expect(stopped.state).toBe("stopped");
    } finally {
      await Promise.all([ownerStream.close(), memberStream.close(), strangerStream.close()]);
    }
  });

  it("resumes from Last-Event-ID, and says reset when it cannot", async () => {
    const first = await openEvents(owner);
    const a = await createSession(owner, { name: "resume-a", start: false });
    await first.waitFor((t) => t.includes(a.id), "event for resume-a");
    const seqA = first.sessionEvents().find((e) => e.sessionId === a.id)?.seq as number;
    await first.close();
    const b = await createSession(owner, { name: "resume-b", start: false });
    const resumed = await openEvents(owner, { "last-event-id": String(seqA) });
    await resumed.waitFor((t) => t.includes(b.id), "replayed event for resume-b");
    expect(resumed.sessionEvents().map((e) => e.sessionId)).not.toContain(a.id);
    await resumed.close();
    const unknown = await openEvents(owner, { "last-event-id": "999999999" });
    await unknown.waitFor((t) => t.includes("event: reset"), "reset for an id the ring does not hold");
    await unknown.close();
  });

  it("the CLI asks for one filtered page, and finds a name with one lookup", async () => {
    const fh = flareHome();
    signIn(fh, member);
    type Page = { sessions: Session[]; nextCursor: string | null };
    const first = await flareJSON<Page>(fh, ["session", "ls", "--mine", "--limit", "10"]);
    expect(first.sessions).toHaveLength(10);
    expect(first.sessions.every((s) => s.ownerId === member.userId)).toBe(true);
    const second = await flareJSON<Page>(fh, ["session", "ls", "--mine", "--limit", "10", "--cursor", first.nextCursor as string]);
    expect(second.sessions).toHaveLength(MEMBER_COUNT - 10);
    expect(second.nextCursor).toBeNull();
    const search = await flareJSON<Page>(fh, ["session", "ls", "--search", "TPL-", "--state", "created"]);
    expect(search.sessions.map((s) => s.name).sort()).toEqual(Array.from({ length: TEMPLATE_COUNT }, (_, i) => `tpl-${i}`).sort());
    const human = await flare(fh, ["session", "ls", "--limit", "2"]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/more: flare session ls --cursor \S+/);
    const status = await flareJSON<{ session: Session }>(fh, ["session", "status", "app-099"]);
    expect(status.session.name).toBe("app-099");
    const bad = await flare(fh, ["--json", "session", "ls", "--state", "bogus"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("validation_failed");
  });
});
