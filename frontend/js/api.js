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

  /** Worth a "Probeer opnieuw": the network or the server, not what was sent. */
  get isRetryable() {
    return this.status === 0 || this.status >= 500 || this.status === 429;
  }
}

// A hook the therapist pages use to add their CSRF token to state-changing requests.
let csrfProvider = null;

/** @param {(() => string|null)|null} provider returns the X-CSRF-Token to send, if any */
export function setCsrfProvider(provider) {
  csrfProvider = provider;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

async function send(method, path, { body, token, signal, accept = "application/json" } = {}) {
  const headers = { Accept: accept };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (token) headers["X-Session-Token"] = token;
  if (!SAFE_METHODS.has(method) && csrfProvider) {
    const csrf = csrfProvider();
    if (csrf) headers["X-CSRF-Token"] = csrf;
  }
  try {
    return await fetch(`${BASE}${path}`, {
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
}

async function readJson(response) {
  const type = response.headers.get("Content-Type") || "";
  if (!type.includes("application/json")) return null;
  try {
    return await response.json();
  } catch {
    return null;
  }
}

function failure(response, data) {
  const detail = data && typeof data.detail === "string" ? data.detail : null;
  const code = data && typeof data.code === "string" ? data.code : `http_${response.status}`;
  const err = new ApiError(response.status, code, detail);
  err.data = data; // e.g. the linter's diagnostics on a 422
  return err;
}

/**
 * One JSON call to the API. `allowEmpty` accepts a 204 without a body (returns null).
 * @returns {Promise<any>}
 */
export async function request(method, path, { body, token, signal, allowEmpty = false } = {}) {
  const response = await send(method, path, { body, token, signal });
  const data = await readJson(response);
  if (!response.ok) throw failure(response, data);
  if (data === null) {
    if (allowEmpty) return null;
    throw new ApiError(response.status, "bad_response", null);
  }
  return data;
}

/** A file from the API (an export): the body as a Blob and the name the server suggests. */
export async function requestFile(path, fallbackName) {
  const response = await send("GET", path, { accept: "*/*" });
  if (!response.ok) throw failure(response, await readJson(response));
  const blob = await response.blob();
  const disposition = response.headers.get("Content-Disposition") || "";
  const match = /filename="?([^";]+)"?/i.exec(disposition);
  return { blob, filename: match ? match[1] : fallbackName };
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

// ---- homework, the client's side (the code from the link is the key; no account) ------------

const hw = (code) => `/h/${encodeURIComponent(code)}`;

export function getHomework(code) {
  return request("GET", hw(code));
}

export function setHomeworkSharing(code, sharing) {
  return request("PUT", `${hw(code)}/sharing`, { body: { sharing } });
}

export function startHomeworkSession(code, ref) {
  return request("POST", `${hw(code)}/sessions`, { body: { scenario_id: ref } });
}

export function exportHomeworkData(code) {
  return requestFile(`${hw(code)}/export`, "mijn-oefeningen.json");
}

export function eraseHomeworkData(code) {
  return request("DELETE", `${hw(code)}/data`, { allowEmpty: true });
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
    return err.detail || "Even rustig aan: je stuurde veel tegelijk. Probeer het over een minuutje nog eens.";
  }
  return err.detail || "Dit lukte niet. Probeer het nog eens.";
}
