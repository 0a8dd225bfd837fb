// What we keep on this device: session ids + tokens (to resume) and one setting.
// Everything lives under keys starting with PREFIX, so wiping is precise.

export const PREFIX = "veiliggezegd.";
const SESSIONS_KEY = `${PREFIX}sessions`;
const SETTINGS_KEY = `${PREFIX}settings`;
const SAFETY_KEY = `${PREFIX}safety`;
const HOMEWORK_KEY = `${PREFIX}homework`;

function read(storage, key, fallback) {
  try {
    const raw = storage.getItem(key);
    if (!raw) return fallback;
    const value = JSON.parse(raw);
    return value && typeof value === "object" ? value : fallback;
  } catch {
    return fallback;
  }
}

function write(storage, key, value) {
  try {
    storage.setItem(key, JSON.stringify(value));
    return true;
  } catch {
    return false; // private mode or full storage: the app still works, only without resume
  }
}

/** @returns {Record<string, {token:string, scenario_id:string, title:string, status:string, updated:number}>} */
export function allSessions() {
  return read(localStorage, SESSIONS_KEY, {});
}

export function getStoredSession(id) {
  const all = allSessions();
  return Object.prototype.hasOwnProperty.call(all, id) ? all[id] : null;
}

export function saveSession(id, info) {
  const all = allSessions();
  const prev = all[id] || {};
  all[id] = { ...prev, ...info, updated: Date.now() };
  write(localStorage, SESSIONS_KEY, all);
}

export function removeSession(id) {
  const all = allSessions();
  delete all[id];
  write(localStorage, SESSIONS_KEY, all);
}

/** Sessions not finished yet, newest first. */
export function sessionsInProgress() {
  return Object.entries(allSessions())
    .filter(([, info]) => info && info.status !== "finished" && typeof info.token === "string")
    .map(([id, info]) => ({ id, ...info }))
    .sort((a, b) => (b.updated || 0) - (a.updated || 0));
}

// Homework links opened on this device: the code is the key to the homework, so it stays here
// (never in a title, a log or a request other than our own API) and goes with "Wis mijn gegevens".

/** @returns {{code:string, title:string, updated:number}[]} newest first */
export function storedHomework() {
  return Object.entries(read(localStorage, HOMEWORK_KEY, {}))
    .filter(([code, info]) => code && info && typeof info === "object")
    .map(([code, info]) => ({ code, ...info }))
    .sort((a, b) => (b.updated || 0) - (a.updated || 0));
}

export function rememberHomework(code, info = {}) {
  const all = read(localStorage, HOMEWORK_KEY, {});
  all[code] = { ...(all[code] || {}), ...info, updated: Date.now() };
  write(localStorage, HOMEWORK_KEY, all);
}

export function forgetHomework(code) {
  const all = read(localStorage, HOMEWORK_KEY, {});
  delete all[code];
  write(localStorage, HOMEWORK_KEY, all);
}

/** Forget this homework's practice sessions on this device (after the data was erased). */
export function forgetHomeworkSessions(code) {
  const sessions = allSessions();
  Object.entries(sessions).forEach(([id, info]) => {
    if (info && info.homework === code) delete sessions[id];
  });
  write(localStorage, SESSIONS_KEY, sessions);
}

export function getSettings() {
  return { wipeOnExit: false, ...read(localStorage, SETTINGS_KEY, {}) };
}

export function setSetting(name, value) {
  const settings = getSettings();
  settings[name] = value;
  write(localStorage, SETTINGS_KEY, settings);
}

/** Remove every key this app wrote, from localStorage and sessionStorage. */
export function wipeAll() {
  for (const storage of [localStorage, sessionStorage]) {
    try {
      const keys = [];
      for (let i = 0; i < storage.length; i += 1) {
        const key = storage.key(i);
        if (key && key.startsWith(PREFIX)) keys.push(key);
      }
      keys.forEach((key) => storage.removeItem(key));
    } catch {
      /* storage not available: nothing to wipe */
    }
  }
}

// The last safety message of this browser tab, so "Hulp nodig?" stays reachable.
// sessionStorage: gone when the tab closes, and always wiped by "Snel weg".
export function rememberSafety(safety) {
  write(sessionStorage, SAFETY_KEY, safety);
}

export function rememberedSafety() {
  const value = read(sessionStorage, SAFETY_KEY, null);
  return value && typeof value.message === "string" ? value : null;
}

export function forgetSafety() {
  try {
    sessionStorage.removeItem(SAFETY_KEY);
  } catch {
    /* ignore */
  }
}
