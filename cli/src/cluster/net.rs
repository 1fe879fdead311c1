//! Supersteps on Timely Dataflow: each worker sends messages addressed to workers, and every
//! worker gets all the messages addressed to it before any worker goes on. One epoch of a
//! dataflow `input → exchange(by addressee) → inbox` is one superstep: timely does the
//! routing (threads of a process, TCP between processes), the serialisation (bincode) and the
//! barrier (its progress tracking: the probe passes an epoch once every worker closed it and
//! every message of it was taken into its inbox).

use std::cell::RefCell;
use std::rc::Rc;

use timely::container::CapacityContainerBuilder;
use timely::dataflow::channels::pact::Exchange;
use timely::dataflow::operators::generic::operator::Operator;
use timely::dataflow::operators::{Input, Probe};
use timely::dataflow::{InputHandle, ProbeHandle};
use timely::worker::Worker;

use super::protocol::{Addressed, Msg};

/// One worker's end of the supersteps.
pub(crate) struct Net {
    input: InputHandle<u64, CapacityContainerBuilder<Vec<Addressed>>>,
    probe: ProbeHandle<u64>,
    inbox: Rc<RefCell<Vec<Msg>>>,
    /// This worker's index and the number of workers.
    pub index: usize,
    pub peers: usize,
    /// Workers per process (worker `w` is in process `w / workers`).
    pub workers: usize,
    /// Payload bytes this worker sent to other processes (the wire's cost).
    pub sent: u64,
}

impl Net {
    /// Builds the superstep dataflow on `worker`, one of `workers` in its process.
    pub fn new(worker: &mut Worker, workers: usize) -> Self {
        let mut input = InputHandle::new();
        let probe = ProbeHandle::new();
        let inbox: Rc<RefCell<Vec<Msg>>> = Rc::default();
        let sink = Rc::clone(&inbox);
        worker.dataflow::<u64, _, _>(|scope| {
            scope
                .input_from(&mut input)
                .unary::<CapacityContainerBuilder<Vec<()>>, _, _, _>(
                    Exchange::new(|m: &Addressed| u64::from(m.0)),
                    "inbox",
                    move |_, _| {
                        move |input, _output| {
                            input.for_each(|_, data: &mut Vec<Addressed>| {
                                sink.borrow_mut().extend(data.drain(..).map(|(_, m)| m));
                            })
                        }
                    },
                )
                .probe_with(&probe);
        });
        Net {
            input,
            probe,
            inbox,
            index: worker.index(),
            peers: worker.peers(),
            workers,
            sent: 0,
        }
    }

    /// One superstep: sends `out` and returns the messages every worker addressed to this
    /// one in this superstep, in the order timely delivered them (the protocol never depends
    /// on that order: each message says where it is from).
    pub fn step(&mut self, worker: &mut Worker, out: Vec<Addressed>) -> Vec<Msg> {
        let me = self.index / self.workers;
        for m in out {
            if m.0 as usize / self.workers != me {
                self.sent += m.1.wire_bytes();
            }
            self.input.send(m);
        }
        let next = self.input.time() + 1;
        self.input.advance_to(next);
        while self.probe.less_than(&next) {
            // Parks until timely has something to do: a process waiting for the coordinator
            // uses no CPU.
            worker.step_or_park(None);
        }
        std::mem::take(&mut *self.inbox.borrow_mut())
    }
}
