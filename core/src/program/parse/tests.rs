use super::*;

#[test]
fn precedence_follows_c() {
    let f = parse("int f() { return 1 + 2 * 3 == 7 && x | 1; }").unwrap();
    let Stmt::Return(Some(e), _) = &f[0].body[0] else {
        panic!()
    };
    let Expr::Binary(BinOp::And, l, r, _) = e else {
        panic!("{e:?}")
    };
    assert!(matches!(**l, Expr::Binary(BinOp::Eq, _, _, _)));
    assert!(matches!(**r, Expr::Binary(BinOp::BitOr, _, _, _)));
}

#[test]
fn kernel_spellings_are_read() {
    let src = "static inline void reclaim(void)\n{\n  while (qi->desc_status[qi->free_tail] == QI_FREE && qi->free_tail != qi->free_head) {\n    qi->free_tail = (qi->free_tail + 1) % QI_LENGTH;\n    qi->free_cnt++;\n  }\n}\n";
    let f = parse(src).unwrap();
    assert_eq!(f[0].name, "reclaim");
    assert_eq!(f[0].lines, (1, 7));
    assert!(!f[0].returns_value);
}

#[test]
fn syntax_errors_say_what_was_expected() {
    let e = parse("int f() {\n  x = ;\n}").unwrap_err();
    assert_eq!((e.line, e.col), (2, 7));
    assert!(e.message.contains("expected an expression"), "{e}");
    let e = parse("int f() { do x++; }").unwrap_err();
    assert!(e.message.contains("`while`"), "{e}");
    let e = parse("int f() { if (x) int y; }").unwrap_err();
    assert!(e.message.contains("block"), "{e}");
}
