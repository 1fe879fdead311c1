// Replay strings (format q1): the codec is the core's (web/core.js: parseReplay, encodeReplay,
// cutReplay); this only tells the hardware's actors apart for drawing. Part of <qi-sim>.

/** True for the hardware engine's actors ("HW", "HW:fetch", "HW:ITE", ...). */
export const isHw = (actor) => String(actor).startsWith('HW');
