// A small HTTP client for the hub tests, as a browser talks to a JupyterHub: cookies kept, a
// chosen source address (127.0.0.x stands for a room or the world outside), no redirects
// followed, the xsrf token read from the forms.
import http from "node:http";

export type Reply = { status: number; headers: http.IncomingHttpHeaders; body: string; ms: number };

export class Browser {
  cookies = new Map<string, string>();
  constructor(
    readonly base: string,
    readonly opts: { localAddress?: string; host?: string; headers?: Record<string, string> } = {},
  ) {}

  request(method: string, url: string, body?: Record<string, string>, timeoutMs = 20_000): Promise<Reply> {
    const started = Date.now();
    const u = new URL(url, this.base);
    const payload = body ? new URLSearchParams(body).toString() : undefined;
    const headers: Record<string, string> = { ...(this.opts.headers ?? {}) };
    if (this.opts.host) headers.Host = this.opts.host;
    if (this.cookies.size) headers.Cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    if (payload) {
      headers["Content-Type"] = "application/x-www-form-urlencoded";
      headers["Content-Length"] = String(Buffer.byteLength(payload));
    }
    return new Promise((resolve, reject) => {
      const req = http.request(
        { host: u.hostname, port: u.port, path: u.pathname + u.search, method, headers, localAddress: this.opts.localAddress },
        (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (d) => (text += d));
          res.on("end", () => {
            for (const c of res.headers["set-cookie"] ?? []) {
              const [pair] = c.split(";");
              const i = pair.indexOf("=");
              this.cookies.set(pair.slice(0, i).trim(), pair.slice(i + 1).trim());
            }
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, ms: Date.now() - started });
          });
        },
      );
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${url}: no answer within ${timeoutMs} ms`)));
      req.on("error", reject);
      if (payload) req.write(payload);
      req.end();
    });
  }

  /** The xsrf token JupyterHub put into a form of `page`. */
  async xsrf(page: string): Promise<string> {
    const r = await this.request("GET", page);
    const m = /name="_xsrf" value="([^"]+)"/.exec(r.body);
    if (!m) throw new Error(`no _xsrf in ${page} (${r.status}): ${r.body.slice(0, 300)}`);
    return m[1];
  }

  /** Posts the spawn form with `fields` (JupyterHub puts the xsrf token into its action URL). */
  async spawn(fields: Record<string, string>): Promise<Reply> {
    const form = await this.request("GET", "/hub/spawn");
    const m = /<form[^>]*id="spawn_form"[^>]*action="([^"]+)"|<form[^>]*action="([^"]+)"[^>]*id="spawn_form"/.exec(form.body);
    if (!m) throw new Error(`no spawn form (${form.status}): ${form.body.slice(0, 300)}`);
    return this.request("POST", (m[1] ?? m[2]).replace(/&amp;/g, "&"), fields);
  }

  async signIn(username: string, password: string): Promise<Reply> {
    const _xsrf = await this.xsrf("/hub/login");
    return this.request("POST", "/hub/login", { username, password, _xsrf });
  }
}

/** The message JupyterHub shows on its error page or sign-in form. */
export function shownMessage(html: string): string {
  const m = /<p class="login_error">([\s\S]*?)<\/p>/.exec(html) ?? /<\/h1>\s*<p>([\s\S]*?)<\/p>/.exec(html);
  return (m ? m[1] : html).replace(/<[^>]+>/g, " ").replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/\s+/g, " ").trim();
}

