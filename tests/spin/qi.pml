/*
 * qi.pml: the queued-invalidation ring of qi_submit_sync() (DESIGN.md sections 1-3, 5), in
 * Promela, to cross-check qisim's explorer with SPIN. One atomic block per qisim step.
 *
 * Parameters (macros, normally from cfg.h written by scripts/test-spin.sh):
 *   QLEN      ring length (QI_LENGTH)
 *   NSUB      submitters (2 or 3)
 *   NCALLS    qi_submit_sync calls per submitter
 *   SETCOUNTS statements filling counts[i * NCALLS + k] (count of call k of submitter i)
 *   LEGACY    defined: legacy mark/reclaim; undefined: the fix
 *
 * Property: a monitor asserts that no *stuck* state is reachable (hardware idle and every
 * unfinished submitter polling a wait slot that is not QI_DONE, or retrying check_space with
 * free_cnt < count + 2): exactly qisim's lockup criterion. Also asserted: the free_cnt
 * invariant at every unlock, and that a poller woken by QI_DONE owns its wait slot.
 */
#include "cfg.h"

#define FREE  0
#define INUSE 1
#define DONE  2

#define P_LOCK    0
#define P_CHECK   1
#define P_SUNLOCK 2
#define P_WRITE   3
#define P_DOOR    4
#define P_POLL    5
#define P_PUNLOCK 6
#define P_PLOCK   7
#define P_MARK    8
#define P_RECLAIM 9
#define P_UNLOCK  10
#define P_FIN     11

byte status[QLEN];
byte owner[QLEN];          /* submitter + 1 of the descriptor in the slot, 0: never written */
bool iswait[QLEN];
byte head = 0;             /* free_head */
byte tail = 0;             /* free_tail */
byte cnt = QLEN;           /* free_cnt */
byte lockv = 0;            /* q_lock: owner + 1, 0 free */
byte iqh = 0;
byte iqt = 0;
byte pc[NSUB];
byte wi[NSUB];             /* wait_index */
byte ccount[NSUB];         /* count of the current call */
byte counts[NSUB * NCALLS];

#define POLLING(i) (pc[i] == P_POLL || pc[i] == P_PUNLOCK || pc[i] == P_PLOCK)
#define SPACING(i) (pc[i] == P_LOCK || pc[i] == P_CHECK || pc[i] == P_SUNLOCK)
#define SSTUCK(i)  (pc[i] == P_FIN || (POLLING(i) && status[wi[i]] != DONE) || (SPACING(i) && cnt < ccount[i] + 2))
#if NSUB == 2
#define ALLSTUCK (SSTUCK(0) && SSTUCK(1) && !(pc[0] == P_FIN && pc[1] == P_FIN))
#else
#define ALLSTUCK (SSTUCK(0) && SSTUCK(1) && SSTUCK(2) && !(pc[0] == P_FIN && pc[1] == P_FIN && pc[2] == P_FIN))
#endif
#define STUCK (iqh == iqt && ALLSTUCK)

proctype hw()
{
end:
    do
    :: d_step { iqh != iqt ->
           if
           :: iswait[iqh] -> status[iqh] = DONE
           :: else -> skip
           fi;
           iqh = (iqh + 1) % QLEN }
    od
}

proctype sub(byte me)
{
    byte k = 0;
    byte c;
    byte idx = 0;
    byte j = 0;
    c = ccount[me];
    do
    :: pc[me] == P_FIN -> break
    :: else ->
L_lock:
        atomic { lockv == 0 -> lockv = me + 1; pc[me] = P_CHECK }
        if
        :: d_step { cnt < c + 2 -> pc[me] = P_SUNLOCK }
           d_step { assert(cnt == QLEN - (head + QLEN - tail) % QLEN); lockv = 0; pc[me] = P_LOCK }
           goto L_lock
        :: d_step { cnt >= c + 2 -> pc[me] = P_WRITE }
        fi;
        d_step {
            idx = head; j = 0;
            do
            :: j < c -> status[(idx + j) % QLEN] = INUSE; iswait[(idx + j) % QLEN] = false;
                        owner[(idx + j) % QLEN] = me + 1; j++
            :: else -> break
            od;
            wi[me] = (idx + c) % QLEN;
            status[wi[me]] = INUSE; iswait[wi[me]] = true; owner[wi[me]] = me + 1;
            head = (idx + c + 1) % QLEN; cnt = cnt - c - 1; j = 0; pc[me] = P_DOOR }
        d_step { iqt = head; pc[me] = P_POLL }
L_poll:
        if
        :: d_step { status[wi[me]] == DONE -> assert(owner[wi[me]] == me + 1); pc[me] = P_MARK }
        :: d_step { status[wi[me]] != DONE -> pc[me] = P_PUNLOCK }
           d_step { assert(cnt == QLEN - (head + QLEN - tail) % QLEN); lockv = 0; pc[me] = P_PLOCK }
           atomic { lockv == 0 -> lockv = me + 1; pc[me] = P_POLL }
           goto L_poll
        fi;
        d_step {
#ifdef LEGACY
            j = 0;
            do
            :: j < c -> status[(idx + j) % QLEN] = DONE; j++
            :: else -> break
            od;
#else
            j = 0;
            do
            :: j <= c -> status[(idx + j) % QLEN] = FREE; j++
            :: else -> break
            od;
#endif
            j = 0; pc[me] = P_RECLAIM }
        d_step {
#ifdef LEGACY
            do
            :: status[tail] == DONE -> status[tail] = FREE; tail = (tail + 1) % QLEN; cnt++
            :: else -> break
            od;
#else
            do
            :: status[tail] == FREE && tail != head -> tail = (tail + 1) % QLEN; cnt++
            :: else -> break
            od;
#endif
            pc[me] = P_UNLOCK }
        d_step {
            assert(cnt == QLEN - (head + QLEN - tail) % QLEN);
            lockv = 0; k++;
            if
            :: k < NCALLS -> c = counts[me * NCALLS + k]; ccount[me] = c; pc[me] = P_LOCK
            :: else -> c = 0; ccount[me] = 0; pc[me] = P_FIN
            fi;
            idx = 0 }
    od
}

/* Fires in a stuck state: a submitter can never return (soft lockup). */
proctype monitor()
{
end:
    atomic { STUCK -> assert(false) }
}

init
{
    atomic {
        SETCOUNTS;
        byte i = 0;
        do
        :: i < NSUB -> ccount[i] = counts[i * NCALLS]; pc[i] = P_LOCK; i++
        :: else -> break
        od;
        run hw();
        run monitor();
        i = 0;
        do
        :: i < NSUB -> run sub(i); i++
        :: else -> break
        od
    }
}
