// The therapists' side of the JSON API: cookie login (HttpOnly, sent automatically on the same
// origin) and the CSRF token, sent as X-CSRF-Token on every POST, PUT, PATCH and DELETE.

import { ApiError, request, requestFile, setCsrfProvider } from "./api.js";

let csrfToken = null;
let onLoggedOut = null;

function csrfFromCookie() {
  const match = /(?:^|;\s*)vg_csrf=([^;]+)/.exec(document.cookie || "");
  return match ? decodeURIComponent(match[1]) : null;
}

setCsrfProvider(() => csrfToken || csrfFromCookie());

export function setCsrf(token) {
  csrfToken = token || null;
}

/** Called with the error whenever the server says the login is gone (401 not_logged_in). */
export function whenLoggedOut(handler) {
  onLoggedOut = handler;
}

async function call(method, path, options = {}) {
  try {
    return await request(method, path, options);
  } catch (err) {
    if (err instanceof ApiError && err.status === 401 && err.code === "not_logged_in" && onLoggedOut) {
      onLoggedOut(err);
    }
    if (err instanceof ApiError && err.status === 403 && err.code === "csrf_failed" && !options.retried) {
      // Our token may be from before a login elsewhere in this browser: fetch it and try once more.
      const me = await request("GET", "/auth/me").catch(() => null);
      if (me && me.csrf_token) {
        setCsrf(me.csrf_token);
        return call(method, path, { ...options, retried: true });
      }
    }
    throw err;
  }
}

async function file(path, fallbackName) {
  try {
    return await requestFile(path, fallbackName);
  } catch (err) {
    if (err instanceof ApiError && err.status === 401 && err.code === "not_logged_in" && onLoggedOut) onLoggedOut(err);
    throw err;
  }
}

const id = (value) => encodeURIComponent(value);

// ---- account ---------------------------------------------------------------------------------

export const register = (email, password) => request("POST", "/therapists", { body: { email, password } });

export async function login(email, password, { totpCode, recoveryCode } = {}) {
  const body = { email, password };
  if (totpCode) body.totp_code = totpCode;
  if (recoveryCode) body.recovery_code = recoveryCode;
  const me = await request("POST", "/auth/login", { body });
  setCsrf(me.csrf_token);
  return me;
}

/** Who is logged in, or null. */
export async function me() {
  try {
    const data = await request("GET", "/auth/me");
    setCsrf(data.csrf_token);
    return data;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return null;
    throw err;
  }
}

export async function logout() {
  try {
    await call("POST", "/auth/logout", { allowEmpty: true });
  } finally {
    setCsrf(null);
  }
}

export const changePassword = (current, next) =>
  call("POST", "/auth/password", { body: { current_password: current, new_password: next }, allowEmpty: true });
export const deleteAccount = (password) => call("DELETE", "/therapists/me", { body: { password }, allowEmpty: true });
export const totpSetup = () => call("POST", "/auth/totp/setup");
export const totpEnable = (code) => call("POST", "/auth/totp/enable", { body: { code } });
export const totpNewRecoveryCodes = (password, code) => call("POST", "/auth/totp/recovery-codes", { body: { password, code } });
export const totpDisable = (password, code) => call("POST", "/auth/totp/disable", { body: { password, code }, allowEmpty: true });

// ---- clients and homework --------------------------------------------------------------------

export const listClients = () => call("GET", "/clients");
export const addClient = (pseudonym) => call("POST", "/clients", { body: { pseudonym } });
export const deleteClient = (clientId) => call("DELETE", `/clients/${id(clientId)}`, { allowEmpty: true });
export const clientProgress = (clientId) => call("GET", `/clients/${id(clientId)}/progress`);

export const listScenarios = () => call("GET", "/scenarios");
export const listHomework = () => call("GET", "/homework");
export const createHomework = (body) => call("POST", "/homework", { body });
export const homeworkProgress = (homeworkId) => call("GET", `/homework/${id(homeworkId)}`);
export const renewLink = (homeworkId) => call("POST", `/homework/${id(homeworkId)}/renew`);
export const revokeLink = (homeworkId) => call("POST", `/homework/${id(homeworkId)}/revoke`, { allowEmpty: true });
export const exportHomework = (homeworkId, format) =>
  file(`/homework/${id(homeworkId)}/export?format=${format}`, `huiswerk.${format}`);

// ---- own scenarios ---------------------------------------------------------------------------

export const listOwnScenarios = () => call("GET", "/own-scenarios");
export const uploadOwnScenario = (yaml) => call("POST", "/own-scenarios", { body: { yaml } });
export const deleteOwnScenario = (rowId) => call("DELETE", `/own-scenarios/${id(rowId)}`, { allowEmpty: true });
