// ES module entry: `import CtiBridge, { connect } from "./cti-bridge.mjs"`.
import "./cti-bridge.js";

const CtiBridge = globalThis.CtiBridge;
export default CtiBridge;
export const connect = CtiBridge.connect;
export const CtiBridgeError = CtiBridge.CtiBridgeError;
