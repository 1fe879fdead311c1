// Replay strings (format q1): the codec is the core's (parseReplay, encodeReplay, cutReplay of
// the `qisim` entry); this only tells the hardware's actors apart for drawing. Part of <qi-sim>;
// public through index.js.

/** True for the hardware engine's actors ("HW", "HW:fetch", "HW:ITE", ...). */
export const isHw = (actor) => String(actor).startsWith('HW');
