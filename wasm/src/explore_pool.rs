//! The exploration on a pool of Web Workers (`web/lib/pool-explore.js`): the coordinator
//! ([`ExploreCoordinator`], on the page's thread) and one [`ExploreWorker`] per partition, in
//! each worker. They speak the core's owner protocol (`qisim_core::check::pool`, the
//! exploration's side, `Exploration::owners`): the coordinator says which range of states each
//! round covers, every worker expands the states it owns in it and absorbs its messages
//! (`qisim_core::check::pool::Owner`), the messages are byte buffers the pool transfers
//! between workers without copying, and the coordinator sees only merge keys. Everything that
//! decides is the core's; this file only translates (the core's `OwnerPool` driver does the
//! same on one thread, for its tests).

use qisim_core::check::pool::{Outbox, Owner, Rules, MERGE_KEY_BYTES};
use qisim_core::check::{
    partitions, Exploration, ExploreOptions, MemLevels, Next, Round, Violation,
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
/// run the round on every worker, `expanded(violations)`, have every worker absorb up to the
/// cut-off, `absorbed(keys, counted, tableBytes, levelBytes)`, and give worker p `ids(p)`.
#[wasm_bindgen]
pub struct ExploreCoordinator {
    x: Exploration<'static>,
    started: f64,
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
        })
    }

    /// Workers (partitions) of this exploration.
    #[wasm_bindgen(getter)]
    pub fn parts(&self) -> u32 {
        self.x.parts() as u32
    }

    /// The next round: `{ type: 'seed', search }` (every worker calls `seed`), `{ type:
    /// 'expand', search, depth, firstId, end }` (every worker expands its states of indices
    /// `firstId..end`), `{ type: 'wait' }` (absorb the rounds in flight first) or `{ type:
    /// 'done', verdict }`. May be called again before the rounds issued are absorbed, to
    /// expand ahead.
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
            // This coordinator keeps no checkpoints (`Exploration::checkpointed` is never
            // called here), so none is due.
            Next::Wait | Next::Checkpoint { .. } => {
                set("type", &"wait".into())?;
            }
            Next::Round { search, round } => {
                set("search", &search.into())?;
                match round {
                    Round::Seed => set("type", &"seed".into())?,
                    Round::Expand { depth, first_id } => {
                        set("type", &"expand".into())?;
                        set("depth", &(depth as f64).into())?;
                        set("firstId", &first_id.into())?;
                        set("end", &self.x.round_end().into())?
                    }
                };
            }
        }
        Ok(o.into())
    }

    /// Rounds issued and not yet absorbed; falls to 0 when the coordinator drops them (a
    /// violation, `maxStates`, a cancel): the driver then discards what they produce.
    #[wasm_bindgen(getter, js_name = inFlight)]
    pub fn in_flight(&self) -> u32 {
        self.x.in_flight() as u32
    }

    /// The workers expanded the oldest round in flight: `violations[i]` is worker i's (or
    /// null). Returns the cut-off every worker absorbs up to.
    pub fn expanded(&mut self, violations: JsValue) -> Result<u32, JsValue> {
        let v: Vec<Option<Violation>> = from_js("expand violations", "violations", violations)?;
        if v.len() != self.x.parts() {
            return Err(error(
                "violations",
                &format!("{} violations for {} workers", v.len(), self.x.parts()),
            ));
        }
        Ok(self.x.owners().expanded(&v))
    }

    /// The workers absorbed the oldest round: `keys[p]` worker p's merge keys, `counted` the
    /// messages they counted in all, `tableBytes` and `levelBytes` what they hold. Returns
    /// the progress to report (`{ states, transitions, depth, queued }`) or `undefined`; then
    /// `ids(p)` are worker p's new states' indices.
    pub fn absorbed(
        &mut self,
        keys: js_sys::Array,
        counted: f64,
        table_bytes: f64,
        level_bytes: f64,
    ) -> Result<JsValue, JsValue> {
        if keys.length() as usize != self.x.parts() {
            return Err(error(
                "keys",
                &format!("{} buffers for {} workers", keys.length(), self.x.parts()),
            ));
        }
        let keys: Vec<Vec<u8>> = keys
            .iter()
            .map(|a| a.unchecked_into::<js_sys::Uint8Array>().to_vec())
            .collect();
        let size = MERGE_KEY_BYTES;
        if let Some(p) = keys.iter().position(|k| k.len() % size != 0) {
            return Err(error(
                "keys",
                &format!(
                    "worker {p}: {} bytes is not a whole number of keys",
                    keys[p].len()
                ),
            ));
        }
        match self.x.owners().absorbed(
            &keys,
            counted as u64,
            table_bytes as u64,
            level_bytes as u64,
        ) {
            Some(p) => to_js(&p),
            None => Ok(JsValue::UNDEFINED),
        }
    }

    /// The indices of worker `p`'s new states in the round absorbed last.
    pub fn ids(&self, p: u32) -> Vec<u32> {
        self.x.ids(p as usize).to_vec()
    }

    /// Stops the search; the next `next()` gives the verdict so far (`boundReached`, or the
    /// counterexample already found while a shortest re-search is stopped).
    pub fn cancel(&mut self) {
        self.x.cancel();
    }
}

/// One partition of an exploration on a worker pool, in its worker: owns the states whose
/// fingerprint falls in its part of the visited set, keeps them, and expands them.
#[wasm_bindgen]
pub struct ExploreWorker {
    cfgs: Vec<Config>,
    opts: ExploreOptions,
    parts: usize,
    index: usize,
    search: u32,
    rules: Rules,
    owner: Owner,
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
            owner: Owner::new(&rules, index as usize),
            rules,
            cfgs,
            opts,
            parts,
            index: index as usize,
            search: 0,
        })
    }

    /// The rules and owner of search `search` (fresh when it changes).
    fn enter(&mut self, search: u32) -> Result<(), JsValue> {
        if search != self.search {
            self.rules = Exploration::worker_rules(&self.cfgs, &self.opts, self.parts, search)
                .map_err(|e| core_error(&e))?;
            self.owner = Owner::new(&self.rules, self.index);
            self.search = search;
        }
        Ok(())
    }

    /// Forgets the rounds expanded or absorbed and not finished (the coordinator dropped them).
    #[wasm_bindgen(js_name = dropRounds)]
    pub fn drop_rounds(&mut self) {
        self.owner.drop_rounds();
    }

    /// The seed round: worker 0 sends the roots. Returns the outbox (see `expand`).
    pub fn seed(&mut self, search: u32) -> Result<JsValue, JsValue> {
        self.enter(search)?;
        self.owner.seed(&self.rules);
        outbox(&self.owner.out)
    }

    /// Expands this worker's states of the level at `depth` below index `end`: `{ bytes:
    /// number[] (of messages per owner worker, to copy out with `outInto`; this worker's own
    /// stay here: 0), violation }`.
    pub fn expand(&mut self, search: u32, depth: f64, end: u32) -> Result<JsValue, JsValue> {
        self.enter(search)?;
        self.owner
            .expand(&self.rules, depth as u64, end)
            .map_err(|e| error("expand", &e))?;
        outbox(&self.owner.out)
    }

    /// Copies this worker's messages for worker `p` of the last expansion into `target` (at
    /// least its `bytes[p]` long).
    #[wasm_bindgen(js_name = outInto)]
    pub fn out_into(&self, p: u32, target: &js_sys::Uint8Array) -> Result<(), JsValue> {
        copy_into(
            self.owner.out.bufs.get(p as usize).map(Vec::as_slice),
            target,
            "out",
        )
    }

    /// Absorbs the oldest round: `inboxes[w]` worker w's messages for this one (this
    /// worker's own entry is ignored: its messages stayed here), those of parents up to
    /// `cutoff`. Returns the messages counted; `keysInto` copies the merge keys out.
    pub fn absorb(
        &mut self,
        search: u32,
        inboxes: js_sys::Array,
        cutoff: u32,
    ) -> Result<f64, JsValue> {
        self.enter(search)?;
        let bufs: Vec<Vec<u8>> = inboxes
            .iter()
            .map(|a| {
                if a.is_undefined() || a.is_null() {
                    Vec::new()
                } else {
                    a.unchecked_into::<js_sys::Uint8Array>().to_vec()
                }
            })
            .collect();
        let views: Vec<&[u8]> = bufs.iter().map(Vec::as_slice).collect();
        let counted = self
            .owner
            .absorb(&self.rules, &views, cutoff)
            .map_err(|e| error("inboxes", &e))?;
        Ok(counted as f64)
    }

    /// Bytes of the merge keys of the last absorb.
    #[wasm_bindgen(js_name = keysBytes)]
    pub fn keys_bytes(&self) -> u32 {
        self.owner.keys.len() as u32
    }

    /// Copies the merge keys of the last absorb into `target` (at least `keysBytes()` long).
    #[wasm_bindgen(js_name = keysInto)]
    pub fn keys_into(&self, target: &js_sys::Uint8Array) -> Result<(), JsValue> {
        copy_into(Some(&self.owner.keys), target, "keys")
    }

    /// The indices the coordinator gave this worker's new states of the oldest absorbed round.
    pub fn assign(&mut self, search: u32, ids: &[u32]) -> Result<(), JsValue> {
        self.enter(search)?;
        self.owner
            .assign(&self.rules, ids)
            .map_err(|e| error("ids", &e))
    }

    /// Bytes of this partition's visited set.
    #[wasm_bindgen(js_name = tableBytes)]
    pub fn table_bytes(&self) -> f64 {
        self.owner.table_bytes() as f64
    }

    /// Bytes this worker holds for its levels and messages.
    #[wasm_bindgen(js_name = levelBytes)]
    pub fn level_bytes(&self) -> f64 {
        self.owner.level_bytes() as f64
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

/// An outbox as `{ bytes, violation }`: `bytes[p]` of messages for worker p, to copy out with
/// `outInto` (this worker's own stay here: 0).
fn outbox(out: &Outbox) -> Result<JsValue, JsValue> {
    let o = js_sys::Object::new();
    let bytes = js_sys::Array::new();
    for b in &out.bufs {
        bytes.push(&b.len().into());
    }
    js_sys::Reflect::set(&o, &"bytes".into(), &bytes)?;
    let v = match &out.violation {
        Some(v) => to_js(v)?,
        None => JsValue::NULL,
    };
    js_sys::Reflect::set(&o, &"violation".into(), &v)?;
    Ok(o.into())
}
