"""The FAQ: FTS5 search (trigram) in Chinese and English, ranked by bm25; edits keep the index
in step; `ticket reply --faq` answers with an entry and counts as a use of it."""

import pytest

ENTRIES = [
    ("你们卖的是正品吗？", "全部专柜购买，可提供小票。", "正品,authentic"),
    ("多久发货？", "现货两天内发顺丰。Shipping takes 1-3 days in China.", "发货,shipping"),
    ("需要交关税吗？", "申报价值在5000元以内一般不用交关税。", "清关,关税,customs"),
    ("如何退货？", "收到7天内未拆封可以退货。", "售后"),
    ("定金可以退吗？", "商品买到之前可以全额退定金。", "定金"),
    ("Customs duty: will I pay import tax?", "Parcels are declared under the customs limit, so usually not.",
     "customs,duty"),
    ("Do you ship abroad?", "Yes, by EMS; customs duty there is yours to pay.", "international"),
]


@pytest.fixture
def faqs(daigou):
    for question, answer, tags in ENTRIES:
        daigou.run(["faq", "add", question, answer, "--tags", tags])
    return daigou


def found(d, *words):
    return [r["question"] for r in d.csv("faq search " + " ".join(words))]


def test_a_two_character_chinese_word_finds_it_inside_a_longer_question(faqs):
    assert found(faqs, "退货")[0] == "如何退货？"
    assert found(faqs, "关税")[0] == "需要交关税吗？"
    assert found(faqs, "正品") == ["你们卖的是正品吗？"]


def test_a_short_word_only_in_the_tags_is_found(faqs):
    assert found(faqs, "售后") == ["如何退货？"]


def test_a_chinese_phrase_matches_by_its_pieces(faqs):
    # 怎么退货 is not in any entry; 退货 is, so 如何退货？ still comes first.
    assert found(faqs, "怎么退货")[0] == "如何退货？"
    assert found(faqs, "退定金")[0] == "定金可以退吗？"


def test_english_is_case_insensitive_and_matches_inside_words(faqs):
    assert found(faqs, "SHIPPING")[0] == "多久发货？"
    assert "Do you ship abroad?" in found(faqs, "ship")


def test_english_ranking_puts_the_question_and_more_words_first(faqs):
    # Both words in the question beat one word in the answer.
    ranked = found(faqs, "customs", "duty")
    assert ranked[0] == "Customs duty: will I pay import tax?"
    assert set(ranked) == {"Customs duty: will I pay import tax?", "Do you ship abroad?", "需要交关税吗？"}
    rows = faqs.csv("faq search customs duty")
    assert [r["rank"] for r in rows] == ["1", "2", "3"]
    scores = [float(r["score"]) for r in rows]
    assert scores == sorted(scores, reverse=True) and scores[0] > scores[1]


def test_mixed_chinese_and_english_words(faqs):
    assert set(found(faqs, "关税", "duty")) >= {"需要交关税吗？", "Customs duty: will I pay import tax?"}


def test_nothing_found_is_an_empty_list(faqs):
    assert faqs.csv("faq search 手机壳") == []
    assert faqs.csv("faq search xyzzy") == []


def test_search_limit_and_json(faqs):
    rows = faqs.json("faq search customs --limit 1")
    assert len(rows) == 1 and rows[0]["question"].startswith("Customs duty")


def test_edit_keeps_the_index_in_step(faqs):
    faqs.run(["faq", "edit", "4", "--question", "可以退换吗？", "--tags", "退换,售后"])
    assert "如何退货？" not in found(faqs, "如何")
    assert found(faqs, "退换") == ["可以退换吗？"]
    assert faqs.json("faq show 4")["question"] == "可以退换吗？"
    assert faqs.json("faq show 4")["answer"] == "收到7天内未拆封可以退货。"


def test_list_and_tags(faqs):
    rows = faqs.csv("faq list")
    assert [r["id"] for r in rows] == [str(n) for n in range(1, len(ENTRIES) + 1)]
    assert rows[2]["tags"] == "清关,关税,customs"
    assert [r["id"] for r in faqs.csv("faq list --tag customs")] == ["3", "6"]


def test_reply_with_an_faq_sends_its_answer_and_counts_a_use(faqs):
    faqs.run(["customer", "add", "张三", "--wechat", "zs"])
    t = faqs.run(["ticket", "open", "张三", "想退货", "--at", "2026-11-11T10:00", "-q"]).stdout.strip()
    faqs.run(["ticket", "reply", t, "--faq", "4", "--at", "2026-11-11T10:05"])
    faqs.run(["ticket", "reply", t, "亲，", "--faq", "4", "--at", "2026-11-11T10:06"])
    messages = faqs.json(f"ticket show {t}")["messages"]
    assert [(m["message"], m["faq_id"]) for m in messages] == [
        ("收到7天内未拆封可以退货。", 4), ("亲，\n\n收到7天内未拆封可以退货。", 4)]
    assert [(r["id"], r["uses"]) for r in faqs.csv("faq list") if r["uses"] != "0"] == [("4", "2")]
    shown = faqs.json("faq show 4")
    assert shown["uses"] == 2 and [u["ticket"] for u in shown["used_in"]] == [int(t), int(t)]
    # Editing the entry later does not change what was sent.
    faqs.run(["faq", "edit", "4", "--answer", "新的退货政策"])
    assert faqs.json(f"ticket show {t}")["messages"][0]["message"] == "收到7天内未拆封可以退货。"


@pytest.mark.parametrize("args, code", [
    (["faq", "add", "", "answer"], 3),
    (["faq", "add", "question", "  "], 3),
    (["faq", "add", "如何退货？", "again"], 4),          # the same question twice
    (["faq", "edit", "99", "--answer", "x"], 3),
    (["faq", "edit", "1"], 3),                            # nothing to change
    (["faq", "edit", "1", "--question", "如何退货？"], 4),
    (["faq", "show", "abc"], 3),
    (["faq", "search", "？！"], 3),                       # nothing to search for
    (["ticket", "reply", "{t}", "--faq", "99"], 3),
    (["ticket", "reply", "{t}", "hi", "--faq", "1", "--from", "customer"], 3),
])
def test_bad_faq_input_writes_nothing(faqs, args, code):
    faqs.run(["customer", "add", "张三", "--wechat", "zs"])
    t = faqs.run(["ticket", "open", "张三", "hi", "-q"]).stdout.strip()
    before = faqs.sql("SELECT (SELECT count(*) FROM entries), (SELECT group_concat(question || answer) FROM faq)")
    result = faqs([a.format(t=t) for a in args])
    assert result.exit_code == code, result.output
    assert len(result.stderr.strip().splitlines()) == 1
    assert faqs.sql("SELECT (SELECT count(*) FROM entries), (SELECT group_concat(question || answer) FROM faq)") == before


def test_the_index_is_not_exported(faqs):
    out = faqs.run("export faq").stdout
    assert "如何退货？" in out
    assert faqs("export faq_fts").exit_code == 3
