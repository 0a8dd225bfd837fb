// The JSON API (base path /api/v1). Same origin only.

const BASE = "./api/v1";

export class ApiError extends Error {
  /**
   * @param {number} status HTTP status, or 0 when the server could not be reached
   * @param {string} code machine code from the server, or our own
   * @param {string|null} detail the server's Dutch message for people, if any
   */
  constructor(status, code, detail) {
    super(`${status} ${code}`);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.detail = detail;
  }

  get isNetwork() {
    return this.status === 0;
  }
}

async function request(method, path, { body, token, signal } = {}) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (token) headers["X-Session-Token"] = token;
  let response;
  try {
    response = await fetch(`${BASE}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
      credentials: "same-origin",
      cache: "no-store",
    });
  } catch (err) {
    if (err && err.name === "AbortError") throw err;
    throw new ApiError(0, "network", null);
  }
  let data = null;
  const type = response.headers.get("Content-Type") || "";
  if (type.includes("application/json")) {
    try {
      data = await response.json();
    } catch {
      data = null;
    }
  }
  if (!response.ok) {
    const detail = data && typeof data.detail === "string" ? data.detail : null;
    const code = data && typeof data.code === "string" ? data.code : `http_${response.status}`;
    throw new ApiError(response.status, code, detail);
  }
  if (data === null) throw new ApiError(response.status, "bad_response", null);
  return data;
}

export function listScenarios() {
  return request("GET", "/scenarios");
}

export function analyze(text, role, signal) {
  return request("POST", "/analyze", { body: { text, role }, signal });
}

export function createSession(scenarioId) {
  return request("POST", "/sessions", { body: { scenario_id: scenarioId } });
}

export function getSession(id, token) {
  return request("GET", `/sessions/${encodeURIComponent(id)}`, { token });
}

export function reply(id, token, text) {
  return request("POST", `/sessions/${encodeURIComponent(id)}/reply`, { body: { text }, token });
}

export function choose(id, token, choiceId) {
  return request("POST", `/sessions/${encodeURIComponent(id)}/choose`, {
    body: { choice_id: choiceId },
    token,
  });
}

/** Best effort: ask the server to forget a session. Failures are ignored on purpose. */
export function forgetSession(id, token) {
  return fetch(`${BASE}/sessions/${encodeURIComponent(id)}`, {
    method: "DELETE",
    headers: { "X-Session-Token": token },
    credentials: "same-origin",
    keepalive: true,
  }).catch(() => null);
}

/** A calm Dutch sentence for an error, never a raw status or stack. */
export function errorMessage(err) {
  if (!(err instanceof ApiError)) {
    return "Er ging iets mis. Probeer het zo nog eens.";
  }
  if (err.isNetwork) {
    return "We kunnen Veilig Gezegd nu niet bereiken. Controleer je internetverbinding en probeer het zo nog eens.";
  }
  if (err.status >= 500) {
    return "Er ging bij ons iets mis. Het ligt niet aan jou. Probeer het zo nog eens.";
  }
  if (err.status === 404) {
    return err.detail || "We kunnen dit niet (meer) vinden.";
  }
  if (err.status === 429) {
    return "Even rustig aan: je stuurde veel tegelijk. Probeer het over een minuutje nog eens.";
  }
  return err.detail || "Dit lukte niet. Probeer het nog eens.";
}
