// Declarations for cti-bridge-element.js (the <cti-bridge> custom element); see cti-bridge.d.ts.
import type { CtiBridgeElement as Element } from "./cti-bridge";
export type { CtiBridgeElementEventMap } from "./cti-bridge";
/** The `<cti-bridge>` element class (registered by the module as "cti-bridge"). */
export declare const CtiBridgeElement: { new (): Element; prototype: Element };
/** An instance of `<cti-bridge>`. */
export type CtiBridgeElement = Element;
export default CtiBridgeElement;
