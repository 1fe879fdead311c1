//! The exploration on a pool of Web Workers (`web/pool.js`): the coordinator
//! ([`ExploreCoordinator`], on the page's thread) and one [`ExploreWorker`] per partition, in
//! each worker. They speak the protocol of `qisim_core::check::coordinator`: the coordinator
//! says what to run, the workers expand slices and absorb their inboxes, the messages are
//! byte buffers the pool transfers between workers without copying. Everything that decides
//! is the core's; this file only translates.

use qisim_core::check::partition::{Expander, Outbox, Partition, Rules};
use qisim_core::check::{
    partitions, read_blocks, write_blocks, Exploration, ExploreOptions, MemLevels, Next, Round,
    Violation,
};
use qisim_core::Config;
use wasm_bindgen::prelude::*;

use crate::explore::{explore_input, OPTION_FIELDS};
use crate::{error, error_of, from_js, to_js};

fn core_error(e: &qisim_core::ConfigError) -> JsValue {
    error_of(e, OPTION_FIELDS, "explore options")
}

/// The coordinator of an exploration on a worker pool. `new ExploreCoordinator(config,
/// options, poolSize)`: the options of `explore` (`counts` too; `threads` is the number of
/// workers, 0 = `poolSize`); [`ExploreCoordinator::parts`] says how many workers to start, each
/// with `new ExploreWorker(config, options, parts, index)`. Then, until `next()` says `done`:
/// run the round on every worker, `expanded(summaries)`, absorb, `absorbed(accepted, bytes)`.
#[wasm_bindgen]
pub struct ExploreCoordinator {
    x: Exploration<'static>,
    started: f64,
    /// The slices of the round issued last, as bytes to copy out.
    slices: Vec<Vec<u8>>,
}

#[wasm_bindgen]
impl ExploreCoordinator {
    #[wasm_bindgen(constructor)]
    pub fn new(
        config: JsValue,
        options: JsValue,
        pool_size: u32,
    ) -> Result<ExploreCoordinator, JsValue> {
        let (cfgs, opts, _) = explore_input(config, &options, &[])?;
        let parts =
            partitions(&opts, Some(pool_size.max(1) as usize)).map_err(|e| core_error(&e))?;
        let x = Exploration::new(&cfgs, &opts, parts, || Box::<MemLevels>::default())
            .map_err(|e| core_error(&e))?;
        Ok(ExploreCoordinator {
            x,
            started: js_sys::Date::now(),
            slices: Vec::new(),
        })
    }

    /// Workers (partitions) of this exploration.
    #[wasm_bindgen(getter)]
    pub fn parts(&self) -> u32 {
        self.x.parts() as u32
    }

    /// The next round: `{ type: 'seed', search }` (every worker calls `seed`), `{ type:
    /// 'expand', search, depth, slices: [{ firstId, bytes }] }` (worker i expands slice i,
    /// whose `bytes` bytes [`ExploreCoordinator::slice_into`] copies out), `{ type: 'wait' }` (absorb the rounds in flight first) or `{ type: 'done',
    /// verdict }`. May be called again before the rounds issued are absorbed, to expand ahead.
    #[wasm_bindgen(js_name = next)]
    pub fn next_round(&mut self) -> Result<JsValue, JsValue> {
        let o = js_sys::Object::new();
        let set = |k: &str, v: &JsValue| js_sys::Reflect::set(&o, &JsValue::from_str(k), v);
        match self.x.next_step() {
            Next::Done(v) => {
                let elapsed = (js_sys::Date::now() - self.started) / 1000.0;
                set("type", &"done".into())?;
                set("verdict", &to_js(&v.with_elapsed(elapsed))?)?;
            }
            Next::Wait => {
                set("type", &"wait".into())?;
            }
            Next::Round { search, round } => {
                set("search", &search.into())?;
                match round {
                    Round::Seed => set("type", &"seed".into())?,
                    Round::Expand { depth, first_id } => {
                        set("type", &"expand".into())?;
                        set("depth", &(depth as f64).into())?;
                        let slices = js_sys::Array::new();
                        let cut = self.x.slices();
                        self.slices.resize_with(cut.len(), Vec::new);
                        for ((first, blocks), buf) in cut.into_iter().zip(&mut self.slices) {
                            buf.clear();
                            write_blocks(blocks, buf);
                            let s = js_sys::Object::new();
                            js_sys::Reflect::set(
                                &s,
                                &"firstId".into(),
                                &(first_id + first).into(),
                            )?;
                            js_sys::Reflect::set(&s, &"bytes".into(), &buf.len().into())?;
                            slices.push(&s);
                        }
                        set("slices", &slices)?
                    }
                };
            }
        }
        Ok(o.into())
    }

    /// Copies slice `i` of the round just issued into `target` (at least its `bytes` long; a
    /// buffer the caller recycles: the browser maps fresh memory slowly).
    #[wasm_bindgen(js_name = sliceInto)]
    pub fn slice_into(&self, i: u32, target: &js_sys::Uint8Array) -> Result<(), JsValue> {
        copy_into(
            self.slices.get(i as usize).map(Vec::as_slice),
            target,
            "slice",
        )
    }

    /// Rounds issued and not yet absorbed; falls to 0 when the coordinator drops them (a
    /// violation, `maxStates`, a cancel): the driver then discards what they produce.
    #[wasm_bindgen(getter, js_name = inFlight)]
    pub fn in_flight(&self) -> u32 {
        self.x.in_flight() as u32
    }

    /// The workers expanded the oldest round in flight: `summaries[i]` = `{ transitions, violation }` of worker
    /// i's outbox. Returns `upto`: every worker absorbs the messages of workers `0..upto` for
    /// it, in that order.
    pub fn expanded(&mut self, summaries: JsValue) -> Result<u32, JsValue> {
        #[derive(serde::Deserialize)]
        struct Summary {
            transitions: u64,
            violation: Option<Violation>,
        }
        let s: Vec<Summary> = from_js("expand summaries", "summaries", summaries)?;
        if s.len() != self.x.parts() {
            return Err(error(
                "summaries",
                &format!("{} summaries for {} workers", s.len(), self.x.parts()),
            ));
        }
        let outs: Vec<Outbox> = s
            .into_iter()
            .map(|s| {
                let mut o = Outbox::default();
                o.transitions = s.transitions;
                o.violation = s.violation;
                o
            })
            .collect();
        Ok(self.x.expanded(&outs) as u32)
    }

    /// The workers absorbed the oldest round's inboxes: `accepted[p]` worker p's accepted entries,
    /// `tableBytes` the bytes of their visited sets. Returns the progress to report (`{
    /// states, transitions, depth, queued }`) or `undefined`.
    pub fn absorbed(
        &mut self,
        accepted: js_sys::Array,
        table_bytes: f64,
    ) -> Result<JsValue, JsValue> {
        if accepted.length() as usize != self.x.parts() {
            return Err(error(
                "accepted",
                &format!(
                    "{} buffers for {} workers",
                    accepted.length(),
                    self.x.parts()
                ),
            ));
        }
        let acc: Vec<Vec<u8>> = accepted
            .iter()
            .map(|a| js_sys::Uint8Array::new(&a).to_vec())
            .collect();
        let buffers: u64 = acc.iter().map(|a| a.len() as u64).sum();
        match self.x.absorbed(&acc, table_bytes as u64, buffers) {
            Some(p) => to_js(&p),
            None => Ok(JsValue::UNDEFINED),
        }
    }

    /// Stops the search; the next `next()` gives the verdict so far (`boundReached`, or the
    /// counterexample already found while a shortest re-search is stopped).
    pub fn cancel(&mut self) {
        self.x.cancel();
    }
}

/// One partition of an exploration on a worker pool, in its worker: expands the slices it is
/// given and owns the states whose fingerprint falls in its part of the visited set.
#[wasm_bindgen]
pub struct ExploreWorker {
    cfgs: Vec<Config>,
    opts: ExploreOptions,
    parts: usize,
    index: usize,
    search: u32,
    rules: Rules,
    expander: Expander,
    partition: Partition,
    accepted: Vec<u8>,
    /// This worker's messages for its own partition, per round expanded and not yet absorbed
    /// (oldest first): they never leave the worker (the outbox carries an empty buffer there).
    own: std::collections::VecDeque<Vec<u8>>,
    /// The outbox, kept between rounds with its buffers' capacity.
    out: Outbox,
}

#[wasm_bindgen]
impl ExploreWorker {
    /// Worker `index` of `parts`, with the coordinator's `config` and `options`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        config: JsValue,
        options: JsValue,
        parts: u32,
        index: u32,
    ) -> Result<ExploreWorker, JsValue> {
        let (cfgs, opts, _) = explore_input(config, &options, &[])?;
        if index >= parts {
            return Err(error(
                "index",
                &format!(
                    "is {index}; allowed range is 0 to {}",
                    parts.saturating_sub(1)
                ),
            ));
        }
        let parts = parts as usize;
        let rules =
            Exploration::worker_rules(&cfgs, &opts, parts, 0).map_err(|e| core_error(&e))?;
        Ok(ExploreWorker {
            expander: Expander::new(&rules),
            partition: Partition::new(&rules),
            rules,
            cfgs,
            opts,
            parts,
            index: index as usize,
            search: 0,
            accepted: Vec::new(),
            own: Default::default(),
            out: Outbox::default(),
        })
    }

    /// The rules, expander and partition of search `search` (fresh when it changes).
    fn enter(&mut self, search: u32) -> Result<(), JsValue> {
        if search != self.search {
            self.rules = Exploration::worker_rules(&self.cfgs, &self.opts, self.parts, search)
                .map_err(|e| core_error(&e))?;
            self.expander = Expander::new(&self.rules);
            self.partition = Partition::new(&self.rules);
            self.search = search;
            self.own.clear();
        }
        Ok(())
    }

    /// Keeps the own partition's messages of the outbox here and returns the rest (see
    /// `expand`).
    fn post(&mut self) -> Result<JsValue, JsValue> {
        let mine = std::mem::take(&mut self.out.bufs[self.index]);
        self.own.push_back(mine);
        outbox(&self.out)
    }

    /// Forgets the rounds expanded and not absorbed (the coordinator dropped them).
    #[wasm_bindgen(js_name = dropRounds)]
    pub fn drop_rounds(&mut self) {
        self.own.clear();
    }

    /// The seed round: worker 0 sends the roots. Returns the outbox (see `expand`).
    pub fn seed(&mut self, search: u32) -> Result<JsValue, JsValue> {
        self.enter(search)?;
        if self.index == 0 {
            self.expander.seed(&self.rules, &mut self.out);
        } else {
            self.out.clear(self.parts);
        }
        self.post()
    }

    /// Expands the slice `blocks` (the coordinator's bytes) whose first state is `firstId`, at
    /// `depth`: `{ bytes: number[] (of messages per owner worker, to copy out with `outInto`;
    /// this worker's own stay here: 0), transitions, violation }`.
    pub fn expand(
        &mut self,
        search: u32,
        blocks: &[u8],
        first_id: u32,
        depth: f64,
    ) -> Result<JsValue, JsValue> {
        self.enter(search)?;
        let blocks = read_blocks(blocks).map_err(|e| error("blocks", &e))?;
        self.expander
            .expand(&self.rules, &blocks, first_id, depth as u64, &mut self.out);
        self.post()
    }

    /// Absorbs the inbox of the oldest round's slice `slice` (worker `slice`'s messages for
    /// this partition; for this worker's own slice, the messages it kept). Inboxes come in
    /// slice order, then `acceptedInto()` ends the round.
    pub fn absorb(&mut self, search: u32, slice: u32, inbox: &[u8]) -> Result<(), JsValue> {
        self.enter(search)?;
        let inbox = if slice as usize == self.index {
            self.own.front().map_or(&[][..], Vec::as_slice)
        } else {
            inbox
        };
        if inbox.len() % self.rules.msg_size() != 0 {
            return Err(error(
                "inbox",
                &format!("{} bytes is not a whole number of messages", inbox.len()),
            ));
        }
        self.partition
            .absorb(&self.rules, [inbox], 0, None, &mut self.accepted);
        Ok(())
    }

    /// Bytes of the accepted entries of the oldest round's inboxes.
    #[wasm_bindgen(js_name = acceptedBytes)]
    pub fn accepted_bytes(&self) -> u32 {
        self.accepted.len() as u32
    }

    /// Copies the accepted entries of the oldest round's inboxes into `target` (at least
    /// `acceptedBytes()` long); the round is done.
    #[wasm_bindgen(js_name = acceptedInto)]
    pub fn accepted_into(&mut self, target: &js_sys::Uint8Array) -> Result<(), JsValue> {
        copy_into(Some(&self.accepted), target, "accepted")?;
        self.accepted.clear();
        self.own.pop_front();
        Ok(())
    }

    /// Copies this worker's messages for worker `p` of the last expansion into `target` (at
    /// least its `bytes[p]` long).
    #[wasm_bindgen(js_name = outInto)]
    pub fn out_into(&self, p: u32, target: &js_sys::Uint8Array) -> Result<(), JsValue> {
        copy_into(
            self.out.bufs.get(p as usize).map(Vec::as_slice),
            target,
            "out",
        )
    }

    /// Bytes of this partition's visited set.
    #[wasm_bindgen(js_name = tableBytes)]
    pub fn table_bytes(&self) -> f64 {
        self.partition.bytes() as f64
    }
}

/// Copies `src` into the start of `target`.
fn copy_into(src: Option<&[u8]>, target: &js_sys::Uint8Array, what: &str) -> Result<(), JsValue> {
    let src = src.ok_or_else(|| error(what, &format!("no such {what} buffer")))?;
    if (target.length() as usize) < src.len() {
        return Err(error(
            what,
            &format!(
                "target of {} bytes for {} bytes",
                target.length(),
                src.len()
            ),
        ));
    }
    target.subarray(0, src.len() as u32).copy_from(src);
    Ok(())
}

/// An outbox as `{ bytes, transitions, violation }`: `bytes[p]` of messages for worker p, to
/// copy out with `outInto` (this worker's own stay here: 0).
fn outbox(out: &Outbox) -> Result<JsValue, JsValue> {
    let o = js_sys::Object::new();
    let bytes = js_sys::Array::new();
    for b in &out.bufs {
        bytes.push(&b.len().into());
    }
    js_sys::Reflect::set(&o, &"bytes".into(), &bytes)?;
    js_sys::Reflect::set(&o, &"transitions".into(), &(out.transitions as f64).into())?;
    let v = match &out.violation {
        Some(v) => to_js(v)?,
        None => JsValue::NULL,
    };
    js_sys::Reflect::set(&o, &"violation".into(), &v)?;
    Ok(o.into())
}
