/*! <cti-bridge>: the zero-code way to embed the widget.
 *
 *   <script type="module" src="cti-bridge-element.js"></script>
 *   <cti-bridge widget-url="https://widget.example.com/widget.html"
 *               allowed-origins="https://widget.example.com" mode="synchronized"></cti-bridge>
 *
 * The element connects with CtiBridge.connect (the iframe goes inside it), re-dispatches every
 * bridge event as a DOM CustomEvent "cti-bridge:<kind>" and a generic "cti-bridge:event" (detail =
 * the event; both bubble), raises "cti-bridge:error" (detail = the CtiBridgeError) when the
 * connection fails, and disposes the bridge when it is removed from the DOM. No inline styles.
 */
import "./cti-bridge.js";

const CtiBridge = globalThis.CtiBridge;

export class CtiBridgeElement extends HTMLElement {
  constructor() {
    super();
    /** The connected bridge, or null. */
    this.bridge = null;
    /** Resolves to the bridge once connected (a new promise per connection). */
    this.ready = null;
    this._generation = 0;
  }

  connectedCallback() {
    const generation = ++this._generation;
    const widgetUrl = this.getAttribute("widget-url");
    if (!widgetUrl) {
      this._fail(CtiBridge.CtiBridgeError("invalid", "<cti-bridge> needs a widget-url attribute"));
      return;
    }
    const options = { widgetUrl, container: this };
    const allowed = (this.getAttribute("allowed-origins") || "").split(/[\s,]+/).filter(Boolean);
    if (allowed.length) options.allowedOrigins = allowed;
    const mode = this.getAttribute("mode");
    if (mode) options.mode = mode;
    const timeout = Number(this.getAttribute("timeout-ms"));
    if (timeout > 0) options.timeoutMs = timeout;
    if (this.hasAttribute("title")) options.title = this.getAttribute("title");
    this.ready = CtiBridge.connect(options).then(
      (bridge) => {
        if (generation !== this._generation) {
          bridge.dispose(); // removed from the DOM while connecting
          return bridge;
        }
        this.bridge = bridge;
        bridge.on("*", (event) => {
          this.dispatchEvent(new CustomEvent("cti-bridge:" + event.kind, { detail: event, bubbles: true, composed: true }));
          this.dispatchEvent(new CustomEvent("cti-bridge:event", { detail: event, bubbles: true, composed: true }));
        });
        return bridge;
      },
      (error) => {
        if (generation === this._generation) this._fail(error);
        throw error;
      },
    );
    this.ready.catch(() => {});
  }

  disconnectedCallback() {
    this._generation++;
    const bridge = this.bridge;
    this.bridge = null;
    if (bridge) bridge.dispose();
    // A connection still in progress is disposed when it resolves (see connectedCallback);
    // its iframe is inside this element, so remove it now.
    for (const frame of Array.from(this.querySelectorAll("iframe.cti-bridge-widget"))) frame.remove();
  }

  _fail(error) {
    this.dispatchEvent(new CustomEvent("cti-bridge:error", { detail: error, bubbles: true, composed: true }));
  }

  _bridge() {
    if (!this.bridge) return Promise.reject(CtiBridge.CtiBridgeError("disposed", "<cti-bridge> is not connected"));
    return Promise.resolve(this.bridge);
  }

  /** Proxies Bridge.setAgentState. */
  setAgentState(state, reason) {
    return this._bridge().then((b) => b.setAgentState(state, reason));
  }

  /** Proxies Bridge.setPresence. */
  setPresence(state) {
    return this._bridge().then((b) => b.setPresence(state));
  }

  /** Proxies Bridge.setMode. */
  setMode(mode) {
    return this._bridge().then((b) => b.setMode(mode));
  }

  /** Proxies Bridge.snapshot. */
  snapshot() {
    return this._bridge().then((b) => b.snapshot());
  }
}

if (!customElements.get("cti-bridge")) customElements.define("cti-bridge", CtiBridgeElement);

export default CtiBridgeElement;
