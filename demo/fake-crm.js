// The demo's fake CRM: a presence with three statuses and the three functions a
// CRM developer writes for the drop-in (getPresence, setPresence,
// onPresenceChange). The CRM Connector status id is "id" or "id;label".

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The CRM's presence statuses. */
export const STATUSES = [
  { id: "Available", label: "Available", ready: true },
  { id: "Busy", label: "Busy", ready: false },
  { id: "Away", label: "Away on break", ready: false },
];
export const statusById = (id) => STATUSES.find((s) => s.id === id);
/** A status's CRM Connector id. */
export const wireId = (s) => (s.label === s.id ? s.id : `${s.id};${s.label}`);

/**
 * A fake CRM. `crm.set(status, by)` changes the presence (the user or the bridge) and
 * tells the listeners, as a CRM would; `crm.api` is what the page passes as `crm`.
 * Hooks: `onSet(status, by)` after a change, `onNotify(status)` before each
 * listener hears it, `onRefused(id)` when setPresence is refused (unknown status or
 * `crm.refuse`). `delayMs`: how long the CRM takes to set a presence.
 */
export function fakeCrm({ initial = STATUSES[0], delayMs = 120, onSet, onNotify, onRefused } = {}) {
  const crm = {
    current: initial,
    changedBy: "",
    listeners: new Set(),
    refuse: false,
    set(status, by) {
      crm.current = status;
      crm.changedBy = by;
      onSet?.(status, by);
      for (const listener of crm.listeners) {
        onNotify?.(status);
        listener(wireId(status));
      }
    },
    api: {
      getPresence: () => wireId(crm.current),
      setPresence: async (id) => {
        await sleep(delayMs); // a CRM takes a moment
        const status = statusById(id);
        if (!status || crm.refuse) {
          onRefused?.(id);
          return false;
        }
        crm.set(status, "the bridge");
        return true;
      },
      onPresenceChange: (callback) => {
        crm.listeners.add(callback);
        return () => crm.listeners.delete(callback);
      },
      currentUser: { Id: "0051x000001", Name: "Ada Agent", Username: "ada@example.test" },
    },
  };
  return crm;
}
