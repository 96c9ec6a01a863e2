"""The directive reader: cleaning, parts, tasks, and its quality on the annotated set."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from dondoc.reader.core import read_directive
from dondoc.reader.core.normalise import fold_same_length, normalise
from dondoc.reader.core.nq57 import nq57_register
from dondoc.reader.core.offices import split_offices
from dondoc.reader.core.quality import score_set

ANNOTATED = Path(__file__).parent / "annotated"
SEED = (ANNOTATED / "notice_01_tb_bcdtw.txt").read_text(encoding="utf-8")
REGISTER = nq57_register()

HEAD = "BỘ X\nSố: 12/KH-BX\nHà Nội, ngày 05 tháng 3 năm 2025\n\nKẾ HOẠCH\nThực hiện Nghị quyết\n\n"


def read(text):
    return read_directive(text, register=REGISTER)


def by_key(reading):
    return {task.key: task for task in reading.tasks}


def test_normalise_joins_detached_diacritics_and_fixes_misreadings():
    text = normalise("chuyê ̉n đô ̉i sô ́ và chuyên đổi số").text
    assert text == "chuyển đổi số và chuyển đổi số"


def test_normalise_joins_lines_broken_mid_sentence_and_drops_page_numbers():
    text = normalise("bảo đảm tính khoa học\n\n- 2 -\n\ncao, kể cả chính sách.").text
    assert text == "bảo đảm tính khoa học cao, kể cả chính sách."


def test_normalise_drops_running_headers_repeated_on_pages():
    page = "Kế hoạch của Bộ Tài chính\n- {n} -\nNội dung trang {n}."
    text = normalise("\n".join(page.format(n=n) for n in range(1, 5))).text
    assert "Kế hoạch của Bộ Tài chính" not in text
    assert "Nội dung trang 3." in text


def test_fold_keeps_length_so_offsets_match():
    text = "Đồng chí Bộ trưởng Bộ Công an"
    assert len(fold_same_length(text)) == len(text)
    assert fold_same_length(text) == "dong chi bo truong bo cong an"


def test_header_number_symbol_date_and_kind():
    header = read(SEED).header
    assert header.number == "01-TB/BCDTW"
    assert header.symbol == "TB/BCDTW"
    assert header.date == date(2025, 1, 22)
    assert header.kind == "notice"
    plan = read(HEAD + "II. NHIỆM VỤ\n1. Bộ Tư pháp chủ trì rà soát văn bản.").header
    assert (plan.kind, plan.number, plan.date) == ("plan", "12/KH-BX", date(2025, 3, 5))


def test_parts_nest_sections_items_and_inline_enumerations():
    reading = read(SEED)
    keys = [p.key for p in reading.parts if p.kind in ("section", "item")]
    assert [k for k in keys if k in ("2", "2.1", "2.2")] == ["2", "2.1", "2.2"]
    assert {"2.5.1", "2.5.5", "2.11", "3"} <= set(keys)


def test_items_inherit_the_deadline_of_the_sentence_introducing_them():
    text = HEAD + (
        "1. Về nhiệm vụ\nNgay trong quý II cần thực hiện các nhiệm vụ sau đây:\n"
        "(1) Bộ Tư pháp chủ trì rà soát các văn bản quy phạm pháp luật.\n"
        "(2) Bộ Nội vụ hoàn thành việc sắp xếp tổ chức, thông qua trong năm 2025.\n"
    )
    tasks = by_key(read(text))
    assert tasks["1.1"].deadline.value == "Quý II/2025"
    assert tasks["1.1"].due == date(2025, 6, 30)
    assert tasks["1.2"].due == date(2025, 12, 31)  # its own deadline wins


def test_member_by_office_resolved_on_the_notice_date_and_implies_the_lead():
    tasks = by_key(read(SEED))
    seventh = tasks["2.7"]
    assert [m.value for m in seventh.members] == ["Lương Tam Quang"]
    assert seventh.members[0].resolved_id is not None
    assert [a.value for a in seventh.leads] == ["Đảng ủy Công an Trung ương"]
    # Minister of Information and Communications until 28/02/2025
    assert [m.value for m in tasks["2.8"].members] == ["Nguyễn Mạnh Hùng"]
    start, end = seventh.members[0].span
    assert read(SEED).text[start:end] == "Bộ trưởng Bộ Công an"


def test_stated_lead_and_coordinating_agencies():
    text = HEAD + (
        "II. NHIỆM VỤ CỤ THỂ\n"
        "1. Bộ Tài chính chủ trì, phối hợp với Bộ Tư pháp và Bộ Công an xây dựng Nghị định "
        "về cơ chế tài chính, trình Chính phủ trong quý III/2025.\n"
        "2. Xây dựng Đề án chuyển đổi số\n- Cơ quan chủ trì: Cục Tin học và Thống kê tài chính\n"
        "- Cơ quan phối hợp: Bộ Khoa học và Công nghệ\n- Thời gian hoàn thành: Tháng 6/2025\n"
    )
    tasks = by_key(read(text))
    first = tasks["II.1"]
    assert [a.value for a in first.leads] == ["Đảng ủy Bộ Tài chính"]
    assert {a.value for a in first.coordinators} == {
        "Đảng ủy Bộ Tư pháp",
        "Đảng ủy Công an Trung ương",
    }
    assert first.deadline.value == "Quý III/2025"
    assert first.expected_output.value.startswith("Nghị định")
    second = tasks["II.2"]
    assert [a.value for a in second.coordinators] == ["Đảng ủy Bộ Khoa học và Công nghệ"]
    assert second.due == date(2025, 6, 30)
    assert second.leads and second.leads[0].resolved_id is None


def test_seed_notice_gives_the_eleven_q1_tasks_with_their_sub_tasks():
    reading = read(SEED)
    tasks = by_key(reading)
    numbered = [f"2.{n}" for n in range(1, 12)]
    assert all(key in tasks for key in numbered)
    for key in numbered:
        task = tasks[key]
        assert task.confidence >= 0.5
        assert task.members, key
        if key != "2.6":
            assert task.deadline.value == "Quý I/2025", key
            assert task.due == date(2025, 3, 31)
    assert tasks["2.6"].due == date(2025, 12, 31)
    assert [t.key for t in reading.tasks if t.parent_key == "2.5"] == [
        f"2.5.{n}" for n in range(1, 6)
    ]
    assert [t.key for t in reading.tasks if t.parent_key == "2.4"] == ["2.4.1", "2.4.2"]
    for key in ("2.4.2", "2.5.5"):
        assert [m.value for m in tasks[key].members] == ["Phạm Minh Chính"]
        assert [a.value for a in tasks[key].leads] == ["Đảng ủy Chính phủ"]
    leads = {key: [a.value for a in tasks[key].leads] for key in numbered}
    assert leads["2.2"] == ["Ban Tổ chức Trung ương"]
    assert leads["2.9"] == ["Đảng ủy Bộ Khoa học và Công nghệ"]
    indicator = next(t for t in reading.tasks if "Bộ chỉ số này" in t.content and t.deadline)
    assert indicator.deadline.value == "Quý II/2025"
    assert indicator.confidence < tasks["2.7"].confidence
    # principles of section 1 are not proposed for review
    assert all(t.confidence < 0.5 for t in reading.tasks if t.key.startswith("1."))


def test_quality_on_the_annotated_set_meets_the_targets():
    score = score_set(ANNOTATED, REGISTER)
    assert score.recall >= 0.9, score.misses
    assert score.precision >= 0.85, score.misses
    for field in ("members", "leads", "deadline"):
        assert score.accuracy(field) >= 0.9, (field, score.misses)


def test_offices_with_dates_from_a_position():
    offices = split_offices(
        "Bộ trưởng Bộ Khoa học và Công nghệ (Bộ trưởng Bộ Thông tin và Truyền thông đến 28/02/2025)"
    )
    assert offices == [
        ("Bộ trưởng Bộ Khoa học và Công nghệ", None, None),
        ("Bộ trưởng Bộ Thông tin và Truyền thông", None, date(2025, 2, 28)),
    ]


FRAGMENTS = [line for line in SEED.splitlines() if line.strip()][:80]


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=400))
def test_never_raises_on_arbitrary_text(text):
    reading = read(text)
    for task in reading.tasks:
        assert 0 <= task.span[0] <= task.span[1] <= len(reading.text)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=30), st.sampled_from(["\n", " ", "\n\n", ""]))
def test_never_raises_on_fragments_of_real_notices(lines, joiner):
    # Speed is measured by bench/reader_quality.py (100 pages), not by a wall clock here.
    reading = read(joiner.join(lines))
    for task in reading.tasks:
        for field in [*task.members, *task.leads, *task.coordinators]:
            if field.span:
                assert 0 <= field.span[0] <= field.span[1] <= len(reading.text)


def test_long_agency_names_are_kept_whole():
    text = HEAD + (
        "II. NHIỆM VỤ CỤ THỂ\n"
        "1. Hoàn thiện cơ sở dữ liệu tài chính\n"
        "- Cơ quan chủ trì: Cục Tin học và Thống kê tài chính\n"
        "- Cơ quan phối hợp: Viện Chiến lược và Chính sách tài chính, Vụ Pháp chế; "
        "Cục Thông tin, Thống kê\n"
        "2. Vụ Kế hoạch - Tài chính bảo đảm kinh phí thực hiện Kế hoạch trong năm 2025.\n"
        "3. Phối hợp hướng dẫn giải ngân; cơ quan chủ trì: Cục Thuế (Bộ Tài chính); "
        "thời gian hoàn thành: Quý IV/2025.\n"
    )
    tasks = by_key(read(text))
    assert [a.value for a in tasks["II.1"].leads] == ["Cục Tin học và Thống kê tài chính"]
    assert [a.value for a in tasks["II.1"].coordinators] == [
        "Viện Chiến lược và Chính sách tài chính",
        "Vụ Pháp chế",
        "Cục Thông tin, Thống kê",
    ]
    assert [a.value for a in tasks["II.2"].leads] == ["Vụ Kế hoạch - Tài chính"]
    assert [a.value for a in tasks["II.3"].leads] == ["Cục Thuế"]


def test_collective_agencies_resolve_to_their_group():
    text = HEAD + (
        "II. NHIỆM VỤ\n"
        "1. Các bộ, ngành và địa phương rà soát thủ tục hành chính trong tháng 8/2025.\n"
        "2. UBND các tỉnh, thành phố trực thuộc Trung ương bố trí vốn đối ứng trong năm 2025.\n"
        "3. Bộ Công an chủ trì, phối hợp với các bộ, ngành liên quan kết nối dữ liệu dân cư.\n"
    )
    tasks = by_key(read(text))
    first, second = tasks["II.1"].leads, tasks["II.2"].leads
    assert [(a.value, a.resolved_kind) for a in first] == [("Các bộ, ngành, địa phương", "group")]
    assert first[0].resolved_id is not None
    assert [a.value for a in second] == ["Các tỉnh, thành phố"]
    assert tasks["II.3"].coordinators == []  # "các bộ, ngành liên quan" is no group


def test_items_under_an_agency_heading_or_a_lead_in_take_its_lead():
    text = HEAD + (
        "II. NHIỆM VỤ, GIẢI PHÁP\n"
        "1. Bộ Khoa học và Công nghệ:\n"
        "a) Xây dựng Chiến lược quốc gia về trí tuệ nhân tạo, trình Thủ tướng Chính phủ "
        "trong quý IV năm 2025.\n"
        "b) Bộ Nội vụ hướng dẫn sắp xếp tổ chức khoa học và công nghệ công lập.\n"
        "2. Giao Bộ Tài chính chủ trì, phối hợp với Bộ Tư pháp thực hiện các nhiệm vụ sau:\n"
        "- Hướng dẫn cơ chế khoán chi đến sản phẩm cuối cùng, hoàn thành trong năm 2025.\n"
    )
    tasks = by_key(read(text))
    assert [a.value for a in tasks["II.1.a"].leads] == ["Đảng ủy Bộ Khoa học và Công nghệ"]
    assert tasks["II.1.a"].due == date(2025, 12, 31)
    assert [a.value for a in tasks["II.1.b"].leads] == ["Đảng ủy Bộ Nội vụ"]  # its own wins
    dash = tasks["II.2.1"]
    assert [a.value for a in dash.leads] == ["Đảng ủy Bộ Tài chính"]
    assert [a.value for a in dash.coordinators] == ["Đảng ủy Bộ Tư pháp"]
    assert "II.1" not in tasks  # the heading is no task


def test_a_sections_time_governs_its_items_unless_an_item_states_its_own():
    text = HEAD + (
        "II. NHIỆM VỤ TRỌNG TÂM\n"
        "Trong quý III/2025, tập trung thực hiện các nhiệm vụ cụ thể sau:\n"
        "1. Bộ Tư pháp rà soát các văn bản quy phạm pháp luật về khoa học, công nghệ.\n"
        "2. Bộ Tài chính hướng dẫn giải ngân kinh phí, hoàn thành trước ngày 15/9/2025.\n"
        "3. Bộ Nội vụ cập nhật dữ liệu cán bộ trong tháng 8/2025.\n"
        "4. Bộ Công an báo cáo kết quả kết nối dữ liệu tại phiên họp tiếp theo.\n"
        "5. Văn phòng Chính phủ tổng hợp tình hình, báo cáo Chính phủ hằng tháng.\n"
    )
    tasks = by_key(read(text))
    assert tasks["II.1"].due == date(2025, 9, 30)
    assert tasks["II.2"].deadline.value == "Trước ngày 15/9/2025"
    assert tasks["II.2"].due == date(2025, 9, 15)
    assert tasks["II.3"].due == date(2025, 8, 31)
    assert (tasks["II.4"].deadline.value, tasks["II.4"].due) == ("Tại phiên họp tiếp theo", None)
    assert (tasks["II.5"].deadline.value, tasks["II.5"].due) == ("Hằng tháng", None)


def test_field_lines_after_a_task_paragraph_belong_to_it():
    text = HEAD + (
        "II. NHIỆM VỤ VÀ PHÂN CÔNG\n"
        "Nhiệm vụ 1. Xây dựng danh mục công nghệ chiến lược\n"
        "Cơ quan chủ trì: Vụ Khoa học kỹ thuật và công nghệ; cơ quan phối hợp: Vụ Pháp chế; "
        "thời gian hoàn thành: trước ngày 30 tháng 11 năm 2025; sản phẩm: Quyết định của "
        "Thủ tướng Chính phủ.\n\n"
        "Hướng dẫn các địa phương xây dựng cơ sở dữ liệu khoa học và công nghệ\n"
        "Cơ quan chủ trì: Cục Thông tin, Thống kê; "
        "thời gian hoàn thành: hoàn thành trong năm 2025\n"
    )
    reading = read(text)
    first = by_key(reading)["II.1"]
    assert [a.value for a in first.leads] == ["Vụ Khoa học kỹ thuật và công nghệ"]
    assert first.deadline.value == "Trước ngày 30/11/2025"
    assert first.expected_output.value.startswith("Quyết định")
    second = next(t for t in reading.tasks if t.content.startswith("Hướng dẫn các địa phương"))
    assert [a.value for a in second.leads] == ["Cục Thông tin, Thống kê"]
    assert second.due == date(2025, 12, 31)
    assert not any(t.key == "II" for t in reading.tasks)


def test_recitals_general_calls_and_closings_are_not_proposed():
    text = HEAD + (
        "I. KẾT QUẢ\n"
        "Bộ Khoa học và Công nghệ đã chủ trì, phối hợp với các bộ, ngành trình Chính phủ ban "
        "hành các nghị định hướng dẫn Luật.\n"
        "II. NHIỆM VỤ\n"
        "1. Thời gian qua, Bộ Công an đã chủ trì, phối hợp hoàn thành Trung tâm dữ liệu.\n"
        "2. Các bộ, ngành, địa phương phải coi chuyển đổi số là nhiệm vụ chính trị trọng tâm.\n"
        "3. Thủ trưởng các đơn vị chịu trách nhiệm về tiến độ và chất lượng sản phẩm.\n"
        "4. Bộ Tài chính chủ trì hướng dẫn giải ngân kinh phí trong quý IV/2025.\n"
        "Ban Chỉ đạo yêu cầu các cơ quan, đơn vị nghiêm túc quán triệt, thực hiện Thông báo này.\n"
    )
    proposed = [t for t in read(text).tasks if t.confidence >= 0.5]
    assert [t.key for t in proposed] == ["II.4"]


def test_normalise_drops_a_running_header_beside_page_numbers_on_two_pages():
    text = normalise(
        "a) Bộ Tài chính báo cáo Thủ tướng Chính\n\nThông báo kết luận cuộc họp\nTrang 2/3\n\n"
        "phủ trong tháng 10/2025.\nb) Nội dung.\n\nThông báo kết luận cuộc họp\nTrang 3/3\n"
        "c) Kết thúc."
    ).text
    assert "Thông báo kết luận" not in text
    assert "báo cáo Thủ tướng Chính phủ trong tháng 10/2025." in text


def test_quality_counts_phrasings_of_one_group_as_the_same_agency():
    from dondoc.reader.core.quality import _agency_key
    from dondoc.reader.core.resolve import Resolver

    resolver = Resolver(REGISTER, date(2025, 7, 1))
    assert _agency_key("UBND các tỉnh, thành phố trực thuộc Trung ương", resolver) == _agency_key(
        "Các tỉnh, thành phố", resolver
    )
    assert _agency_key("Các bộ, ngành và địa phương", resolver) != _agency_key(
        "Các bộ, ngành", resolver
    )


def test_normalise_joins_a_word_broken_by_a_run_of_spaces_only_where_a_piece_is_no_syllable():
    text = normalise("hướng d  ẫn, chia s  ẻ, nền tả  ng; khoa  học; BỘ X      ĐẢNG").text
    assert text == "hướng dẫn, chia sẻ, nền tảng; khoa học; BỘ X ĐẢNG"


PDF_TABLE = """STT   Nội dung nhiệm vụ                 Cơ quan         Cơ quan           Thời gian    Sản phẩm
                                        chủ trì         phối hợp          hoàn thành
A     NHIỆM VỤ CHUNG
1     Ban hành Kế hoạch chuyển đổi      Sở Nội vụ       Công an tỉnh, Sở  Quý I/2025   Kế hoạch
      số tỉnh giai đoạn 2025-2030                       Tài chính
2
2.1   Xây dựng cơ sở dữ liệu cán bộ     UBND tỉnh Lạng  Các sở, ban,      Trước ngày   Cơ sở dữ
                                        Sơn             ngành             30/9/2025    liệu
"""  # noqa: E501


def test_a_table_out_of_a_pdf_gives_one_task_per_row_with_its_cells():
    reading = read(HEAD + "I. NHIỆM VỤ\n" + PDF_TABLE)
    tasks = {t.content: t for t in reading.tasks}
    first = tasks["Ban hành Kế hoạch chuyển đổi số tỉnh giai đoạn 2025-2030"]
    assert [f.value for f in first.leads] == ["Sở Nội vụ"]
    assert [f.value for f in first.coordinators] == ["Công an tỉnh", "Sở Tài chính"]
    assert first.deadline.value == "Quý I/2025"
    assert first.expected_output.value == "Kế hoạch"
    second = tasks["Xây dựng cơ sở dữ liệu cán bộ"]
    assert [(f.value, f.resolved_kind) for f in second.leads] == [("Tỉnh ủy Lạng Sơn", "unit")]
    assert [f.value for f in second.coordinators] == ["Các sở, ban, ngành"]
    assert second.due == date(2025, 9, 30)


def test_a_tab_separated_table_joins_a_rows_wrapped_cells_and_skips_a_repeated_heading():
    table = (
        "TT\tNhiệm vụ\tĐơn vị chủ trì\tĐơn vị phối hợp\tThời hạn\n"
        "1\tXây dựng Khung năng lực số\tVụ Giáo dục Trung học\tBộ Công an\tTrước ngày\n"
        "\tcho người học\t\t\t30/6/2025\n"
        "\n- 2 -\n\n"
        "TT\tNhiệm vụ\tĐơn vị chủ trì\tĐơn vị phối hợp\tThời hạn\n"
        "2\tTập huấn kỹ năng số cho nhà giáo\tCục Nhà giáo\t\tHằng năm\n"
    )
    tasks = read(HEAD + "I. NHIỆM VỤ\n" + table).tasks
    assert [t.content for t in tasks] == [
        "Xây dựng Khung năng lực số cho người học",
        "Tập huấn kỹ năng số cho nhà giáo",
    ]
    assert tasks[0].due == date(2025, 6, 30) and tasks[1].deadline.value == "Hằng năm"
    assert [f.value for f in tasks[1].leads] == ["Cục Nhà giáo"] and not tasks[1].coordinators


def test_a_peoples_committee_is_its_province_on_the_documents_date():
    text = (
        HEAD + "1. Giao Ủy ban nhân dân tỉnh Lạng Sơn chủ trì xây dựng đề án, trong quý II/2025.\n"
    )
    (task,) = read(text).tasks
    assert [f.value for f in task.leads] == ["Tỉnh ủy Lạng Sơn"]
    merged = text.replace("Lạng Sơn", "Hà Giang")
    (task,) = read(merged).tasks
    assert [f.value for f in task.leads] == ["Tỉnh ủy Hà Giang"]
    # after the merger of 01/07/2025 the province it joined answers for it
    later = merged.replace("năm 2025", "năm 2026").replace("/2025", "/2026")
    (task,) = read(later).tasks
    assert [f.value for f in task.leads] == ["Tỉnh ủy Tuyên Quang"]


def test_a_tables_supervising_member_column_names_the_member():
    table = (
        "TT\tNội dung\tCơ quan chủ trì\tThời hạn\tThành viên phụ trách\n"
        "1\tXây dựng đề án dữ liệu\tBộ Tài chính\tQuý II/2025\tĐồng chí Nguyễn Văn Thắng\n"
    )
    (task,) = read(HEAD + "I. NHIỆM VỤ\n" + table).tasks
    assert [f.value for f in task.members] == ["Nguyễn Văn Thắng"]
    assert task.members[0].resolved_id is not None and task.due == date(2025, 6, 30)


def test_sub_row_keys_do_not_repeat_their_parents_number():
    text = HEAD + (
        "III. NHIỆM VỤ\n"
        "6. Chuyển đổi số trong giáo dục và y tế\n"
        "6.1. Sở Giáo dục và Đào tạo chủ trì triển khai học bạ số trong quý IV/2025.\n"
        "6.1.1. Sở Giáo dục và Đào tạo chủ trì xây dựng kho học liệu số trong năm 2025.\n"
        "6.2. Sở Y tế chủ trì triển khai bệnh án điện tử trong quý IV/2025.\n"
        "7. Sở Tài chính chủ trì bố trí kinh phí trong năm 2025.\n"
    )
    keys = [p.key for p in read(text).parts if p.kind in ("section", "item")]
    assert keys == ["III", "III.6", "III.6.1", "III.6.1.1", "III.6.2", "III.7"]


def test_a_sub_row_of_a_task_table_is_keyed_under_its_row_once():
    reading = read((ANNOTATED / "plan_ubnd_province_pdf_table.txt").read_text(encoding="utf-8"))
    keys = {t.key for t in reading.tasks}
    assert {"III.6.1", "III.6.2"} <= keys and not any(".6.6." in k for k in keys)


LETTER = (
    "BAN CHỈ ĐẠO TRUNG ƯƠNG\nCƠ QUAN THƯỜNG TRỰC\nSố 130-CV/CQTTBCĐ\n"
    "Hà Nội, ngày 15 tháng 11 năm 2025\n\n"
    "Cơ quan thường trực đề nghị các đồng chí chỉ đạo hoàn thành các nhiệm vụ sau:\n\n"
    "1. Nhiệm vụ do đồng chí Bộ trưởng Bộ Công an chỉ đạo\n\n"
    "- Hoàn thành Cơ sở dữ liệu quốc gia về dân cư giai đoạn 2 (giao tại Thông báo số "
    "12-TB/BCĐTW, thời hạn quý II/2025); thời hạn mới: trước ngày 31/12/2025.\n\n"
    "2. Nhiem vu giao Ban Thường vụ các tỉnh ủy: Lai Châu, Cao Bằng\n\n"
    "- Kiện toàn bộ phận chuyên trách chuyển đổi số của tỉnh; thời hạn mới: trong tháng "
    "12/2025.\n\n"
    "Cơ quan thường trực sẽ tổng hợp tình hình, báo cáo Ban Chỉ đạo tại phiên họp tiếp theo.\n"
)


def test_addressee_headings_of_an_urging_letter_give_member_agency_and_new_deadline():
    tasks = [t for t in read(LETTER).tasks if t.confidence >= 0.5]
    assert [t.content for t in tasks] == [
        "Hoàn thành Cơ sở dữ liệu quốc gia về dân cư giai đoạn 2",
        "Kiện toàn bộ phận chuyên trách chuyển đổi số của tỉnh",
    ]
    first, second = tasks
    assert [m.value for m in first.members] == ["Lương Tam Quang"]
    assert [a.value for a in first.leads] == ["Đảng ủy Công an Trung ương"]
    assert first.due == date(2025, 12, 31)
    assert [a.value for a in second.leads] == ["Tỉnh ủy Lai Châu", "Tỉnh ủy Cao Bằng"]
    assert second.due == date(2025, 12, 31)


PROVINCE_PLAN = (
    "ỦY BAN NHÂN DÂN\nTHÀNH PHỐ HÀ NỘI\nSố: 120/KH-UBND\n\nHà Nội, ngày 10 tháng 8 năm 2025\n\n"
    "KẾ HOẠCH\nTriển khai chuyển đổi số năm 2025\n\nI. NHIỆM VỤ\n"
    "STT\tNhiệm vụ\tCơ quan chủ trì\tCơ quan phối hợp\tThời gian hoàn thành\n"
    "1\tXây dựng nền tảng dữ liệu dùng chung của\n"
    "thành phố\tSở Khoa học và Công nghệ\tCông an thành phố; Bộ Công an\tQuý IV/2025\n"
    "\nUBND THÀNH PHỐ HÀ NỘI - Kế hoạch số 120/KH-UBND\n7\n"
    "STT\tNhiệm vụ\tCơ quan chủ trì\tCơ quan phối hợp\tThời gian hoàn thành\n"
    "2\tBáo cáo kết quả chuyển đổi số\tVăn phòng UBND thành phố\tCác sở, ngành\t"
    "Định kỳ 6 tháng, hằng năm\n"
)


def test_a_provinces_table_across_pages_has_the_province_as_lead_and_outside_partners():
    tasks = by_key(read(PROVINCE_PLAN))
    assert set(tasks) == {"I.1", "I.2"}
    assert tasks["I.1"].content == "Xây dựng nền tảng dữ liệu dùng chung của thành phố"
    for task in tasks.values():
        assert [a.value for a in task.leads] == ["Thành ủy Hà Nội"]
    assert [a.value for a in tasks["I.1"].coordinators] == ["Đảng ủy Công an Trung ương"]
    assert tasks["I.2"].coordinators == []
    assert tasks["I.2"].deadline.value == "Định kỳ 6 tháng, hằng năm"
    assert tasks["I.2"].due is None


def test_a_tables_one_agencies_cell_splits_into_lead_and_partners():
    table = (
        "STT\tNội dung nhiệm vụ\tCơ quan thực hiện\tThời gian hoàn thành\n"
        "1\tXây dựng kho dữ liệu mở\tChủ trì: Bộ Tư pháp; Phối hợp: Bộ Công an\tQuý II/2025\n"
        "2\tTập huấn kỹ năng số\tChu tri: Bo Noi vu. Phoi hop: Bộ Tài chính\tNăm 2025\n"
        "3\tRà soát thủ tục hành chính\tBộ Giáo dục và Đào tạo\tNăm 2025\n"
    )
    tasks = read(HEAD + "I. NHIỆM VỤ\n" + table).tasks
    assert [t.content for t in tasks] == [
        "Xây dựng kho dữ liệu mở",
        "Tập huấn kỹ năng số",
        "Rà soát thủ tục hành chính",
    ]
    assert [[f.value for f in t.leads] for t in tasks] == [
        ["Đảng ủy Bộ Tư pháp"],
        ["Đảng ủy Bộ Nội vụ"],
        ["Đảng ủy Bộ Giáo dục và Đào tạo"],
    ]
    assert [[f.value for f in t.coordinators] for t in tasks] == [
        ["Đảng ủy Công an Trung ương"],
        ["Đảng ủy Bộ Tài chính"],
        [],
    ]
    assert tasks[0].deadline.value == "Quý II/2025"


def test_a_plan_headed_by_a_provincial_party_committee_is_that_provinces_own():
    text = (
        "TỈNH ỦY LẠNG SƠN\nSố 12-KH/TU\nLạng Sơn, ngày 05 tháng 8 năm 2025\n\nKẾ HOẠCH\n"
        "Thực hiện Nghị quyết\n\nII. NHIỆM VỤ\n"
        "1. Sở Nội vụ chủ trì, phối hợp với Bộ Nội vụ xây dựng đề án nhân lực số; "
        "hoàn thành trong quý IV/2025.\n"
    )
    (task,) = read(text).tasks
    assert [f.value for f in task.leads] == ["Tỉnh ủy Lạng Sơn"]
    assert [f.value for f in task.coordinators] == ["Đảng ủy Bộ Nội vụ"]


def test_a_plans_points_take_the_agencies_assigning_them_by_reference():
    text = HEAD.replace("BỘ X", "BỘ TÀI CHÍNH") + (
        "II. NHIỆM VỤ\n"
        "1. Về thể chế\n"
        "a) Sửa đổi Thông tư về khoán chi; hoàn thành trong quý II/2025.\n"
        "b) Ban hành hướng dẫn quyết toán; hoàn thành trong năm 2025.\n"
        "c) Rà soát quy trình cấp phát; hoàn thành trong quý III/2025.\n\n"
        "III. PHÂN CÔNG THỰC HIỆN\n"
        "1. Vụ Pháp chế chủ trì, phối hợp với Bộ Tư pháp thực hiện nhiệm vụ tại điểm a và "
        "điểm b khoản 1 Mục II; trong đó nhiệm vụ tại điểm b phối hợp với Bộ Nội vụ.\n"
    )
    tasks = by_key(read(text))
    assert set(tasks) == {"II.1.a", "II.1.b", "II.1.c"}  # the assigning item is no task
    for key in ("II.1.a", "II.1.b"):
        assert [f.value for f in tasks[key].leads] == ["Đảng ủy Bộ Tài chính"]
        assert tasks[key].confidence >= 0.5
    assert [f.value for f in tasks["II.1.a"].coordinators] == ["Đảng ủy Bộ Tư pháp"]
    assert [f.value for f in tasks["II.1.b"].coordinators] == [
        "Đảng ủy Bộ Tư pháp",
        "Đảng ủy Bộ Nội vụ",
    ]
    assert tasks["II.1.c"].leads == []


def test_a_ministry_party_committees_cells_and_departments_act_for_the_ministry():
    text = (
        "ĐẢNG BỘ CHÍNH PHỦ\nĐẢNG ỦY BỘ TƯ PHÁP\n*\nSố 20-TB/ĐU\nHà Nội, ngày 05 tháng 3 năm 2026"
        "\n\nTHÔNG BÁO\nKết luận\n\n2. Nhiệm vụ\n"
        "2.1. Đảng ủy Cục Kiểm tra văn bản lãnh đạo Cục rà soát các thông tư; "
        "hoàn thành trong quý II/2026.\n"
        "2.2. Chi bộ Vụ Tổ chức cán bộ chỉ đạo xây dựng đề án nhân lực số; "
        "hoàn thành trong quý III/2026.\n"
    )
    tasks = by_key(read(text))
    for key in ("2.1", "2.2"):
        assert [f.value for f in tasks[key].leads] == ["Đảng ủy Bộ Tư pháp"]


def test_a_decision_approving_a_programme_assigns_only_in_its_later_articles():
    text = (
        "THỦ TƯỚNG CHÍNH PHỦ\nSố: 276/QĐ-TTg\nHà Nội, ngày 14 tháng 02 năm 2025\n\nQUYẾT ĐỊNH\n"
        "Phê duyệt Chương trình\n\nQUYẾT ĐỊNH:\n\n"
        "Điều 1. Phê duyệt Chương trình phát triển nhân lực số với những nội dung chủ yếu sau:\n\n"
        "I. NHIỆM VỤ, GIẢI PHÁP\n\n"
        "1. Hoàn thiện cơ chế, chính sách về đào tạo nhân lực công nghệ số.\n\n"
        "Điều 2. Tổ chức thực hiện\n\n"
        "1. Bộ Giáo dục và Đào tạo chủ trì xây dựng kế hoạch triển khai Chương trình, ban hành "
        "trong quý II năm 2025.\n"
    )
    tasks = [t for t in read(text).tasks if t.confidence >= 0.5]
    assert [t.key for t in tasks] == ["2.1"]
    assert [a.value for a in tasks[0].leads] == ["Đảng ủy Bộ Giáo dục và Đào tạo"]


def test_a_heading_addressing_the_government_and_its_prime_minister_heads_its_items():
    text = HEAD.replace("KẾ HOẠCH", "BÁO CÁO") + (
        "III. KIẾN NGHỊ\n"
        "1. Đối với Chính phủ, Thủ tướng Chính phủ\n"
        "a) Chỉ đạo rà soát hệ thống văn bản quy phạm pháp luật; hoàn thành trong năm 2026.\n"
        "b) Ban hành đầy đủ các văn bản quy định chi tiết Luật.\n"
    )
    tasks = by_key(read(text))
    for key in ("III.1.a", "III.1.b"):
        assert tasks[key].confidence >= 0.5
        assert [m.value for m in tasks[key].members] == ["Phạm Minh Chính"]
        assert [f.value for f in tasks[key].leads] == ["Đảng ủy Chính phủ"]
    assert "III.1" not in tasks


def test_a_ministrys_departments_act_for_the_ministry_in_its_own_document():
    text = HEAD.replace("BỘ X", "BỘ GIÁO DỤC VÀ ĐÀO TẠO") + (
        "Điều 2. Tổ chức thực hiện\n"
        "1. Vụ Kế hoạch - Tài chính chủ trì, phối hợp với Cục Khoa học, Công nghệ và Thông tin, "
        "Bộ Tài chính bố trí đủ kinh phí thực hiện các nhiệm vụ; hoàn thành trong quý II/2025.\n"
    )
    (task,) = read(text).tasks
    assert [f.value for f in task.leads] == ["Đảng ủy Bộ Giáo dục và Đào tạo"]
    assert [f.value for f in task.coordinators] == ["Đảng ủy Bộ Tài chính"]  # not the lead again


def test_a_timetable_gives_one_inspection_per_unit_led_by_the_team_leaders_unit():
    text = (
        "CƠ QUAN THƯỜNG TRỰC\nSố 12-KH/CQTTBCĐ\nHà Nội, ngày 15 tháng 8 năm 2025\n\nKẾ HOẠCH\n"
        "kiểm tra việc thực hiện Nghị quyết số 57-NQ/TW của Bộ Chính trị tại một số\n"
        "tỉnh ủy năm 2025\n\n"
        "III. THỜI GIAN, THÀNH PHẦN ĐOÀN KIỂM TRA\n"
        "1. Đối tượng kiểm tra: Tỉnh ủy Lào Cai, Thành ủy Hải Phòng.\n"
        "2. Lịch kiểm tra\n"
        "STT\tĐơn vị được kiểm tra\tThời gian kiểm tra\tĐơn vị chủ trì Đoàn\tĐơn vị tham gia\n"
        "1\tTỉnh ủy Lào Cai\tTừ ngày 08 đến\tVăn phòng Trung ương\tBộ Tài chính\n"
        "\t\tngày 10/9/2025\tĐảng\t\n"
        "2\tThành ủy Hải Phòng\tTháng 10/2025\tBộ Khoa học và Công nghệ\tBộ Công an\n"
        "\t\t\t(đồng chí Bộ trưởng\t\n"
        "\t\t\tNguyễn Mạnh Hùng làm\t\n"
        "\t\t\tTrưởng đoàn)\t\n"
    )
    tasks = by_key(read(text))
    first, second = tasks["III.2.1"], tasks["III.2.2"]
    assert first.content == (
        "Kiểm tra việc thực hiện Nghị quyết số 57-NQ/TW của Bộ Chính trị tại Tỉnh ủy Lào Cai"
    )
    assert first.due == date(2025, 9, 10)
    assert [f.value for f in first.leads] == [
        "Văn phòng Trung ương Đảng – Cơ quan thường trực Ban Chỉ đạo"
    ]
    assert [f.value for f in first.coordinators] == ["Đảng ủy Bộ Tài chính"]
    assert [f.value for f in second.leads] == ["Đảng ủy Bộ Khoa học và Công nghệ"]
    assert [m.value for m in second.members] == ["Nguyễn Mạnh Hùng"]


def test_session_relative_and_recurring_times_are_kept_as_written():
    text = HEAD + (
        "II. NHIỆM VỤ\n"
        "1. Bộ Tư pháp thẩm định dự án Luật, trình Quốc hội tại Kỳ họp thứ 10.\n"
        "2. Bộ Tư pháp trình Quốc hội tại Kỳ họp thứ 10; hoàn thành trong tháng 5/2025.\n"
        "3. Văn phòng Chính phủ tổng hợp, báo cáo tại phiên họp Chính phủ thường kỳ tháng 3 "
        "năm 2026.\n"
        "4. Bộ Nội vụ gửi báo cáo chậm nhất 07 ngày làm việc trước ngày kiểm tra.\n"
        "5. Bộ Nội vụ định kỳ 6 tháng (trước ngày 15/6 và ngày 15/12) tổng hợp, báo cáo.\n"
    )
    tasks = by_key(read(text))
    assert tasks["II.1"].deadline.value == "Tại Kỳ họp thứ 10" and tasks["II.1"].due is None
    assert tasks["II.2"].due == date(2025, 5, 31)  # the time the work is done by wins
    assert tasks["II.3"].due == date(2026, 3, 31)
    assert tasks["II.4"].deadline.value == "Chậm nhất 07 ngày làm việc trước ngày kiểm tra"
    assert tasks["II.4"].due is None
    assert tasks["II.5"].deadline.value == "Định kỳ 6 tháng (trước ngày 15/6 và ngày 15/12)"


def test_two_assignments_with_their_own_times_in_one_item_are_two_tasks():
    text = HEAD + (
        "II. TỔ CHỨC THỰC HIỆN\n"
        "- Ban Tổ chức Trung ương theo dõi việc thực hiện, định kỳ hằng năm báo cáo Ban Bí thư; "
        "tổ chức sơ kết 2 năm thực hiện trong quý IV/2027.\n"
        "- Bộ Nội vụ xây dựng đề án; hoàn thành trong quý II/2025.\n"
    )
    tasks = read(text).tasks
    assert [(t.content, t.deadline.value) for t in tasks] == [
        (
            "Ban Tổ chức Trung ương theo dõi việc thực hiện, định kỳ hằng năm báo cáo Ban Bí thư",
            "Định kỳ hằng năm",
        ),
        ("tổ chức sơ kết 2 năm thực hiện trong quý IV/2027.", "Quý IV/2027"),
        ("Bộ Nội vụ xây dựng đề án; hoàn thành trong quý II/2025.", "Quý II/2025"),
    ]
    assert [f.value for f in tasks[1].leads] == ["Ban Tổ chức Trung ương"]


def test_calls_on_every_head_and_the_funding_sentence_are_not_proposed():
    text = HEAD + (
        "II. NHIỆM VỤ\n"
        "1. Người đứng đầu cấp ủy, cơ quan, đơn vị phải trực tiếp lãnh đạo, chỉ đạo chuyển đổi "
        "số tại cơ quan, đơn vị mình hằng năm.\n"
        "2. Kinh phí phục vụ hoạt động kiểm tra do ngân sách Đảng bảo đảm theo quy định.\n"
        "3. Bộ Nội vụ xây dựng đề án trong quý II/2025.\n"
    )
    proposed = [t.key for t in read(text).tasks if t.confidence >= 0.5]
    assert proposed == ["II.3"]


def test_dash_items_are_numbered_and_prose_sentences_cited_by_paragraph_and_sentence():
    text = HEAD + (
        "II. TỔ CHỨC THỰC HIỆN\n"
        "Bộ Nội vụ xây dựng đề án trong quý II/2025. Bộ Tư pháp thẩm định đề án trong quý "
        "III/2025.\n"
        "- Bộ Tài chính bố trí kinh phí trong năm 2025.\n"
        "- Bộ Công an bảo đảm an ninh mạng trong năm 2025.\n"
        "1. Bộ Y tế xây dựng hồ sơ sức khỏe điện tử trong năm 2025.\n"
    )
    tasks = read(text).tasks
    assert [(t.key, t.label) for t in tasks] == [
        ("II.p1.s1", "II, đoạn 1, câu 1"),
        ("II.p1.s2", "II, đoạn 1, câu 2"),
        ("II.1", ""),
        ("II.2", ""),
        ("II.2.1", "1."),
    ]


def test_a_ministry_letter_gives_its_items_to_the_addressees_of_its_request():
    text = (
        "BỘ KHOA HỌC VÀ CÔNG NGHỆ\nSố: 12/BKHCN-KHTC\nHà Nội, ngày 05 tháng 12 năm 2025\n\n"
        "Kính gửi: Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương.\n\n"
        "Thực hiện chỉ đạo của Thủ tướng Chính phủ, Bộ Khoa học và Công nghệ đề nghị Ủy ban "
        "nhân dân các tỉnh, thành phố trực thuộc Trung ương thực hiện một số nội dung sau:\n\n"
        "1. Báo cáo kết quả thực hiện năm 2025 trước ngày 20 tháng 12 năm 2025.\n\n"
        "2. Về đăng ký nhiệm vụ năm 2026\n\n"
        "a) Đăng ký danh mục nhiệm vụ cấp tỉnh trước ngày 15 tháng 01 năm 2026.\n\n"
        "3. Đối với Thành phố Hà Nội, Thành phố Hồ Chí Minh: đề nghị báo cáo riêng kết quả "
        "thí điểm trước ngày 31 tháng 12 năm 2025.\n\n"
        "Trên cơ sở báo cáo của các địa phương, Bộ Khoa học và Công nghệ sẽ tổng hợp, báo cáo "
        "Thủ tướng Chính phủ trước ngày 31 tháng 01 năm 2026.\n\n"
        "Bộ Khoa học và Công nghệ trân trọng cảm ơn sự phối hợp của Quý Ủy ban.\n"
    )
    tasks = {t.key: t for t in read(text).tasks if t.confidence >= 0.5}
    assert [f.value for f in tasks["1"].leads] == ["Các tỉnh, thành phố"]
    assert [f.value for f in tasks["2.a"].leads] == ["Các tỉnh, thành phố"]
    assert [f.value for f in tasks["3"].leads] == [
        "Thành ủy Hà Nội",
        "Thành ủy Thành phố Hồ Chí Minh",
    ]
    (closing,) = [t for k, t in tasks.items() if k not in ("1", "2.a", "3")]
    assert closing.content.startswith("Trên cơ sở báo cáo")
    assert [f.value for f in closing.leads] == ["Đảng ủy Bộ Khoa học và Công nghệ"]


def test_both_ministries_of_a_joint_plan_lead_what_the_two_do_together():
    text = (
        "BỘ GIÁO DỤC VÀ ĐÀO TẠO - BỘ KHOA HỌC VÀ CÔNG NGHỆ\nSố: 07/KHLT-BGDĐT-BKHCN\n"
        "Hà Nội, ngày 20 tháng 5 năm 2025\n\nKẾ HOẠCH LIÊN TỊCH\nPhối hợp phát triển nhân lực\n\n"
        "II. NHIỆM VỤ\n"
        "- Hai Bộ phối hợp xây dựng tiêu chí lựa chọn nhóm nghiên cứu mạnh trong năm 2025.\n"
        "- Giao Vụ Khoa học (Bộ Giáo dục và Đào tạo) và Vụ Công nghệ (Bộ Khoa học và Công "
        "nghệ) làm đầu mối theo dõi, tổng hợp tình hình thực hiện định kỳ 6 tháng.\n"
    )
    tasks = [t for t in read(text).tasks if t.confidence >= 0.5]
    both = {"Đảng ủy Bộ Giáo dục và Đào tạo", "Đảng ủy Bộ Khoa học và Công nghệ"}
    assert [{f.value for f in t.leads} for t in tasks] == [both, both]


def test_a_point_naming_only_a_ministry_is_no_task_and_a_role_after_a_dash_is_no_lead():
    text = (
        "CHÍNH PHỦ\nSố: 200/NQ-CP\nHà Nội, ngày 08 tháng 11 năm 2025\n\nNGHỊ QUYẾT\n"
        "Phiên họp Chính phủ thường kỳ tháng 10 năm 2025\n\nQUYẾT NGHỊ:\n\n"
        "1. Về nhiệm vụ trọng tâm\n\na) Bộ Tài chính:\n\n"
        "- Tổng hợp tình hình giải ngân vốn đầu tư công, báo cáo Thủ tướng Chính phủ trước "
        "ngày 30 tháng 11 năm 2025.\n\n"
        "b) Bộ Khoa học và Công nghệ - Cơ quan thường trực Ban Chỉ đạo theo dõi, đôn đốc việc "
        "thực hiện, báo cáo định kỳ hằng quý.\n"
    )
    tasks = [t for t in read(text).tasks if t.confidence >= 0.5]
    # the ministry by the register's name: a name it knows is never read as an unknown one
    assert [(t.parent_key, [f.value for f in t.leads]) for t in tasks] == [
        (None, ["Đảng ủy Bộ Tài chính"]),
        (None, ["Đảng ủy Bộ Khoa học và Công nghệ"]),
    ]


def test_a_recurring_day_of_the_month_is_kept_and_a_day_beats_the_year_the_work_is_for():
    text = HEAD + (
        "II. NHIỆM VỤ\n"
        "1. Bộ Tài chính báo cáo tình hình giải ngân định kỳ hằng tháng, trước ngày 05 của "
        "tháng sau.\n"
        "2. Bộ Xây dựng đề xuất các dự án cần hỗ trợ trong năm 2026, gửi Bộ Tài chính trước "
        "ngày 15 tháng 01 năm 2026.\n"
    )
    tasks = by_key(read(text))
    assert tasks["II.1"].deadline.value == "Định kỳ hằng tháng, trước ngày 05 của tháng sau"
    assert tasks["II.1"].due is None
    assert tasks["II.2"].due == date(2026, 1, 15)


def test_a_ministry_directing_without_its_minister_implies_no_member():
    text = HEAD + (
        "II. NHIỆM VỤ\n"
        "- Bộ Giáo dục và Đào tạo chỉ đạo các đại học quốc gia rà soát phòng thí nghiệm dùng "
        "chung trong năm 2025.\n"
    )
    (task,) = [t for t in read(text).tasks if t.confidence >= 0.5]
    assert task.members == []
    assert [f.value for f in task.leads] == ["Đảng ủy Bộ Giáo dục và Đào tạo"]


def test_a_minister_named_by_office_alone_heads_the_points_below():
    text = HEAD.replace("KẾ HOẠCH", "CÔNG ĐIỆN") + (
        "Thủ tướng Chính phủ yêu cầu:\n"
        "1. Bộ trưởng Bộ Công an:\n"
        "a) Hoàn thành cấp căn cước điện tử cho người dân trước ngày 30/6/2025.\n"
        "b) Kết nối dữ liệu cư trú với các hệ thống của bộ, ngành.\n"
        "2. Bo truong Bo Giao duc va Dao tao:\n"
        "a) Ban hành chuẩn kỹ năng số cho giáo viên trong tháng 8/2025.\n"
    )
    tasks = by_key(read(text))
    assert "1" not in tasks and "2" not in tasks  # the headings name, they assign nothing
    for key in ("1.a", "1.b"):
        assert tasks[key].confidence >= 0.5
        assert [m.value for m in tasks[key].members] == ["Lương Tam Quang"]
        assert [f.value for f in tasks[key].leads] == ["Đảng ủy Công an Trung ương"]
    assert [m.value for m in tasks["2.a"].members] == ["Nguyễn Kim Sơn"]
    assert [f.value for f in tasks["2.a"].leads] == ["Đảng ủy Bộ Giáo dục và Đào tạo"]


def test_heads_of_ministries_and_provinces_named_together_are_both_groups_in_one():
    text = HEAD + (
        "II. NHIỆM VỤ\n"
        "1. Bộ trưởng, Thủ trưởng các bộ, cơ quan ngang bộ, Chủ tịch Ủy ban nhân dân các "
        "tỉnh, thành phố trực thuộc Trung ương:\n"
        "a) Rà soát danh mục dịch vụ công trực tuyến trong quý II/2025.\n"
        "2. Chủ tịch Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương:\n"
        "a) Bố trí kinh phí cho trung tâm dữ liệu của tỉnh.\n"
    )
    tasks = by_key(read(text))
    assert [f.value for f in tasks["II.1.a"].leads] == ["Các bộ, ngành, địa phương"]
    assert [f.value for f in tasks["II.2.a"].leads] == ["Các tỉnh, thành phố"]
    assert tasks["II.2.a"].confidence >= 0.5


def test_a_heading_stating_the_duties_of_bodies_and_a_city_written_in_lowercase():
    text = HEAD.replace("KẾ HOẠCH", "NGHỊ QUYẾT") + (
        "Điều 5. Tổ chức thực hiện\n"
        "1. Chính phủ có trách nhiệm:\n"
        "a) Ban hành nghị định hướng dẫn trong quý III/2025;\n"
        "2. Ủy ban nhân dân tỉnh Lào Cai và thành phố Hải Phòng có trách nhiệm:\n"
        "a) Bố trí mặt bằng cho khu thử nghiệm trong năm 2026.\n"
        "3. Ủy ban Trung ương Mặt trận Tổ quốc Việt Nam giám sát việc thực hiện Nghị quyết.\n"
    )
    tasks = by_key(read(text))
    assert [f.value for f in tasks["5.1.a"].leads] == ["Đảng ủy Chính phủ"]
    assert [f.value for f in tasks["5.2.a"].leads] == ["Tỉnh ủy Lào Cai", "Thành ủy Hải Phòng"]
    assert [f.value for f in tasks["5.3"].leads] == [
        "Đảng ủy Mặt trận Tổ quốc Việt Nam, các đoàn thể Trung ương"
    ]


def test_an_article_on_competences_assigns_nothing():
    text = HEAD.replace("KẾ HOẠCH", "NGHỊ QUYẾT") + (
        "QUYẾT NGHỊ:\n"
        "Điều 3. Thẩm quyền cấp phép\n"
        "1. Bộ trưởng Bộ Tài chính quyết định cấp, thu hồi giấy phép thí điểm sàn tài sản số.\n"
        "Điều 4. Tổ chức thực hiện\n"
        "1. Bộ Tài chính xây dựng quy trình cấp phép trong quý IV/2025.\n"
    )
    proposed = [t.key for t in read(text).tasks if t.confidence >= 0.5]
    assert proposed == ["4.1"]


def test_names_without_a_known_verb_lead_even_before_a_noun_that_reads_like_a_request():
    text = HEAD + (
        "II. NHIỆM VỤ\n"
        "1. Bộ Công an, Bộ Quốc phòng theo chức năng được giao thẩm tra yêu cầu an toàn "
        "đối với thiết bị của hệ thống.\n"
    )
    (task,) = read(text).tasks
    assert [f.value for f in task.leads] == ["Đảng ủy Công an Trung ương", "Quân ủy Trung ương"]


def test_a_ministrys_own_units_named_in_capitals_without_diacritics_or_as_a_whole():
    text = HEAD.replace("BỘ X", "BỘ GIÁO DỤC VÀ ĐÀO TẠO") + (
        "II. NHIỆM VỤ\n"
        "1. Giao Vụ Tổ chức cán bộ chủ trì xây dựng quy chế chuyên gia trong quý II/2025.\n"
        "2. Vu Ke hoach - Tai chinh chu tri, phoi hop voi Bộ Tài chính lập dự toán năm 2026.\n"
        "3. Các đơn vị thuộc Bộ cập nhật tiến độ nhiệm vụ trên hệ thống định kỳ hằng tháng.\n"
    )
    tasks = by_key(read(text))
    for key in ("II.1", "II.2", "II.3"):
        assert [f.value for f in tasks[key].leads] == ["Đảng ủy Bộ Giáo dục và Đào tạo"], key
    assert [f.value for f in tasks["II.2"].coordinators] == ["Đảng ủy Bộ Tài chính"]


def test_a_yearly_programme_month_this_week_and_two_recurring_days():
    text = HEAD + (
        "II. NHIỆM VỤ\n"
        "1. Tổng kết công tác năm của Ban Chỉ đạo.\n"
        "Cơ quan chủ trì: Bộ Tài chính; thời gian hoàn thành: Tháng 11\n"
        "2. Ngay trong tuần này, Bộ Nội vụ hoàn thành hồ sơ nhân sự của đề án.\n"
        "3. Bộ Nội vụ hoàn thành danh sách chuyên gia trong tuần tới.\n"
        "4. Bộ Tư pháp báo cáo kết quả định kỳ 6 tháng, trước ngày 20 tháng 6 và ngày 20 "
        "tháng 12.\n"
        "5. Bộ Tư pháp báo cáo định kỳ 6 tháng (trước ngày 5/6) và hằng năm (trước ngày 5/12).\n"
    )
    tasks = by_key(read(text))
    assert tasks["II.1"].due == date(2025, 11, 30)  # the programme's year
    assert tasks["II.2"].due == date(2025, 3, 9)  # Wednesday 05/03/2025: that Sunday
    assert tasks["II.3"].due == date(2025, 3, 16)
    assert tasks["II.4"].deadline.value == (
        "Định kỳ 6 tháng, trước ngày 20 tháng 6 và ngày 20 tháng 12"
    )
    assert tasks["II.5"].deadline.value == (
        "Định kỳ 6 tháng (trước ngày 5/6) và hằng năm (trước ngày 5/12)"
    )
    assert tasks["II.5"].due is None


def test_calls_on_attitude_and_rules_for_whoever_is_given_work_are_not_proposed():
    text = HEAD + (
        "II. NHIỆM VỤ\n"
        "1. Yêu cầu các đơn vị quán triệt, xác định chuyển đổi số là nhiệm vụ trọng tâm của "
        "năm.\n"
        "2. Các cơ quan được giao chủ trì gửi hồ sơ về Bộ Tài chính chậm nhất 05 ngày làm việc "
        "trước phiên họp.\n"
        "3. Bộ Tài chính tổng hợp hồ sơ trong tháng 6/2025.\n"
    )
    proposed = [t.key for t in read(text).tasks if t.confidence >= 0.5]
    assert proposed == ["II.3"]


def test_a_provinces_newspaper_is_no_recorded_partner():
    text = (
        "ỦY BAN NHÂN DÂN TỈNH LÀO CAI\nSố: 20/KH-UBND\nLào Cai, ngày 05 tháng 3 năm 2025\n\n"
        "KẾ HOẠCH\nThực hiện Nghị quyết\n\nII. NHIỆM VỤ\n"
        "1. Tuyên truyền về chuyển đổi số trên các phương tiện thông tin.\n"
        "Cơ quan chủ trì: Sở Văn hóa, Thể thao và Du lịch; cơ quan phối hợp: Báo và Phát thanh, "
        "Truyền hình Lào Cai, Bộ Khoa học và Công nghệ; thời gian: Thường xuyên\n"
    )
    (task,) = read(text).tasks
    assert [f.value for f in task.leads] == ["Tỉnh ủy Lào Cai"]
    assert [f.value for f in task.coordinators] == ["Đảng ủy Bộ Khoa học và Công nghệ"]


CITY = (
    "ĐẢNG BỘ THÀNH PHỐ ĐÀ NẴNG\nTHÀNH ỦY\nSố 12-KL/TU\nĐà Nẵng, ngày 10 tháng 9 năm 2025\n\n"
    "KẾT LUẬN\ncủa Ban Thường vụ Thành ủy\n\n"
)


def test_an_appendix_table_after_the_signature_opens_its_own_groups_past_a_page_header():
    text = HEAD + (
        "Điều 2. Tổ chức thực hiện\n"
        "1. Bộ Tài chính chủ trì rà soát định mức chi trong tháng 6/2025.\n\n"
        "Nơi nhận:\n- Như Điều 2;\n- Lưu: VT.\tBỘ TRƯỞNG\n\n"
        "Phụ lục\nDANH MỤC NHIỆM VỤ\n\n"
        "TT\tNhiệm vụ\tCơ quan chủ trì\tCơ quan phối hợp\tThời hạn\n"
        "I\tTHỂ CHẾ\n"
        "1\tXây dựng quy chế quản lý dữ liệu\tBộ Công an\tBộ Tư pháp\tQuý IV/2025\n"
        "2\tSửa đổi thông tư về lưu trữ điện tử\tBộ Nội vụ\tBộ Tư pháp\tQuý I/2026\n"
        "12\tCÔNG BÁO/Số 45/Ngày 9-3-2025\n"
        "TT\tNhiệm vụ\tCơ quan chủ trì\tCơ quan phối hợp\tThời hạn\n"
        "II\tHẠ TẦNG\n"
        "3\tNâng cấp mạng truyền số liệu chuyên dùng\tBộ Công an\tBộ Tài chính\tNăm 2026\n"
    )
    proposed = {t.key: t.content for t in read(text).tasks if t.confidence >= 0.5}
    assert not any("HẠ TẦNG" in c or "CÔNG BÁO" in c for c in proposed.values())
    assert proposed["II.3"].startswith("Nâng cấp mạng")  # in its group, not under Điều 2


def test_a_footer_with_the_documents_number_and_page_is_dropped_even_once():
    text = normalise(
        "a) Rà soát quy chế làm việc;\n\nHướng dẫn số 15-HD/BTCTW\t3\n\nb) Báo cáo."
    ).text
    assert "15-HD" not in text


def test_a_request_to_the_chairmen_of_the_provinces_heads_its_points():
    text = HEAD + (
        "3. Nhiệm vụ cụ thể:\n"
        "a) Đề nghị Chủ tịch Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương:\n"
        "- Rà soát quy trình cấp phép xây dựng trên môi trường điện tử.\n"
        "- Bố trí cán bộ đầu mối về dữ liệu đất đai.\n"
    )
    tasks = [t for t in read(text).tasks if t.confidence >= 0.5]
    assert [t.key for t in tasks] == ["3.a.1", "3.a.2"]
    assert all([f.value for f in t.leads] == ["Các tỉnh, thành phố"] for t in tasks)


def test_a_request_to_a_minister_by_office_to_direct_is_a_parent_whose_content_is_the_work():
    text = HEAD + (
        "3. Nhiệm vụ cụ thể:\n"
        "c) Đề nghị đồng chí Bộ trưởng Bộ Tài chính chỉ đạo:\n"
        "- Hoàn thiện cơ sở dữ liệu về tài sản công.\n"
        "- Hướng dẫn các địa phương cập nhật dữ liệu tài sản công.\n"
    )
    tasks = by_key(read(text))
    assert tasks["3.c"].content == "Chỉ đạo."
    assert [m.value for m in tasks["3.c"].members] == ["Nguyễn Văn Thắng"]
    assert tasks["3.c.1"].parent_key == "3.c"


def test_a_committee_directing_a_body_of_the_city_is_a_parent_task():
    text = CITY + (
        "2. Nhiệm vụ:\n"
        "2.1. Đảng ủy Sở Xây dựng lãnh đạo, chỉ đạo Sở Xây dựng:\n"
        "a) Số hóa hồ sơ cấp phép xây dựng.\n"
        "b) Công khai quy hoạch trên Cổng thông tin của thành phố.\n"
    )
    tasks = by_key(read(text))
    assert tasks["2.1"].content == "Lãnh đạo, chỉ đạo Sở Xây dựng."
    assert tasks["2.1.a"].parent_key == "2.1"


def test_results_after_a_period_conditional_help_and_an_opening_request_are_not_tasks():
    text = CITY + (
        "1. Sau hơn sáu tháng triển khai, các sở, ngành đã cơ bản hoàn thành việc số hóa hồ sơ.\n"
        "2. Các cấp ủy cần nhận thức rõ chuyển đổi số là nhiệm vụ chính trị trọng tâm.\n"
        "3. Kiến nghị\nBan Thường vụ Thành ủy đề nghị:\n"
        "3.1. Bộ Xây dựng hướng dẫn thành phố lập quy hoạch đô thị số trong quý IV/2025.\n\n"
        "Trong quá trình thực hiện, nếu có vướng mắc, đề nghị các đơn vị phản ánh về Văn "
        "phòng Thành ủy.\n"
    )
    proposed = [t.key for t in read(text).tasks if t.confidence >= 0.5]
    assert proposed == ["3.1"]


def test_rhythms_a_day_of_every_month_and_a_second_task_under_a_section_time():
    text = CITY + (
        "2. Từ nay đến hết năm 2025, các cơ quan tập trung thực hiện các nhiệm vụ sau:\n"
        "2.1. Sở Tài chính báo cáo tình hình giải ngân trước ngày 25 hằng tháng.\n"
        "2.2. Sở Nội vụ chỉ đạo bồi dưỡng kỹ năng số cho công chức; thực hiện thường xuyên.\n"
        "2.3. Đảng ủy các xã, phường:\n"
        "- Định kỳ hằng quý báo cáo kết quả về Văn phòng Thành ủy.\n"
        "2.4. Công an thành phố bảo đảm an toàn hệ thống thông tin; tổ chức diễn tập ứng cứu sự "
        "cố trước ngày 30/11/2025.\n"
        "2.5. Sở Y tế rà soát hồ sơ sức khỏe điện tử; báo cáo Thành ủy trước ngày 15/11/2025.\n"
    )
    tasks = by_key(read(text))
    assert tasks["2.1"].deadline.value == "Trước ngày 25 hằng tháng"
    assert tasks["2.1"].due is None
    assert tasks["2.2"].deadline.value == "Thường xuyên"
    assert tasks["2.3.1"].deadline.value == "Định kỳ hằng quý"
    assert [f.value for f in tasks["2.3.1"].leads] == ["Thành ủy Đà Nẵng"]
    assert tasks["2.4"].due == date(2025, 12, 31)
    assert tasks["2.4b"].due == date(2025, 11, 30)
    assert "2.5b" not in tasks


def test_a_central_body_working_with_the_city_has_it_as_partner_but_not_when_helping_it():
    text = CITY + (
        "3. Kiến nghị với Trung ương\n"
        "3.1. Bộ Tài chính phối hợp với thành phố xây dựng đề án trung tâm tài chính trong "
        "quý I/2026.\n"
        "3.2. Bộ Công an hướng dẫn, hỗ trợ thành phố kết nối dữ liệu dân cư trong quý I/2026.\n"
    )
    tasks = by_key(read(text))
    assert [f.value for f in tasks["3.1"].coordinators] == ["Thành ủy Đà Nẵng"]
    assert tasks["3.2"].coordinators == []


def test_the_party_committees_directly_under_the_central_committee_each_lead():
    text = HEAD + (
        "III. TỔ CHỨC THỰC HIỆN\n"
        "1. Các tỉnh ủy, thành ủy, đảng ủy trực thuộc Trung ương:\n"
        "a) Ban hành kế hoạch thực hiện Hướng dẫn này trước ngày 30/6/2025.\n"
    )
    (task,) = [t for t in read(text).tasks if t.confidence >= 0.5]
    assert {f.value for f in task.leads} == {
        "Các tỉnh, thành phố",
        "Đảng ủy các cơ quan Đảng Trung ương",
        "Đảng ủy Chính phủ",
        "Đảng ủy Quốc hội",
        "Đảng ủy Mặt trận Tổ quốc Việt Nam, các đoàn thể Trung ương",
        "Quân ủy Trung ương",
        "Đảng ủy Công an Trung ương",
    }


def test_an_event_with_its_day_in_brackets_is_due_that_day():
    text = HEAD + (
        "II. NHIỆM VỤ\n"
        "Trong quý III/2025, các cơ quan thực hiện các nhiệm vụ sau:\n"
        "1. Bộ Tài chính bố trí kinh phí, hoàn thành trước kỳ họp Quốc hội (ngày 20/10/2025).\n"
    )
    (task,) = read(text).tasks
    assert task.due == date(2025, 10, 20)


def test_a_line_ending_in_a_word_that_cannot_close_it_goes_on_with_a_capital():
    out = normalise("Phối hợp với Bộ Tài chính và\nBộ Nội vụ xây dựng đề án trước ngày\n30/6/2026.")
    assert out.text == "Phối hợp với Bộ Tài chính và Bộ Nội vụ xây dựng đề án trước ngày 30/6/2026."


def test_a_unit_named_after_the_work_leads_it_and_in_a_ministry_party_committee_is_the_ministry():
    text = (
        "ĐẢNG ỦY BỘ TÀI CHÍNH\nSố 12-KH/ĐU\nHà Nội, ngày 05 tháng 3 năm 2026\n\nKẾ HOẠCH\n"
        "II. NHIỆM VỤ\n"
        "1. Xây dựng cơ sở dữ liệu về đầu tư công, do Cục Tin học và Thống kê chủ trì, phối "
        "hợp với Bộ Nội vụ; hoàn thành trong quý II/2026.\n"
    )
    (task,) = [t for t in read(text).tasks if t.confidence >= 0.5]
    assert [f.value for f in task.leads] == ["Đảng ủy Bộ Tài chính"]
    assert [f.value for f in task.coordinators] == ["Đảng ủy Bộ Nội vụ"]


def test_a_bracketed_time_under_a_section_title_is_the_time_of_its_items():
    text = HEAD + (
        "II. NHIỆM VỤ\n"
        "(Các nhiệm vụ sau hoàn thành trong năm 2026, trừ nhiệm vụ có thời hạn riêng.)\n"
        "1. Bộ Tài chính rà soát các quy định về quỹ đầu tư mạo hiểm.\n"
        "2. Bộ Nội vụ xây dựng đề án thu hút chuyên gia trong quý III/2026.\n"
    )
    tasks = by_key(read(text))
    assert tasks["II.1"].due == date(2026, 12, 31)
    assert tasks["II.2"].due == date(2026, 9, 30)
    assert len([t for t in read(text).tasks if t.confidence >= 0.5]) == 2


def test_a_full_wrapped_line_goes_on_with_a_name_and_a_roman_number_alone_ends_one():
    first = "Bộ Khoa học và Công nghệ tổng hợp danh mục sản phẩm công nghệ số do doanh nghiệp"
    second = (
        "Việt Nam làm chủ, trình Quốc hội xem xét tại kỳ họp thường lệ gần nhất của Quốc hội khóa"
    )
    out = normalise(f"{first}\n{second}\nXV.")
    assert "\n" not in out.text


PROVINCE_COUNCIL = (
    "HỘI ĐỒNG NHÂN DÂN                 CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
    "   TỈNH NGHỆ AN                          Độc lập - Tự do - Hạnh phúc\n"
    "Số: 30/2026/NQ-HĐND                   Nghệ An, ngày 05 tháng 3 năm 2026\n\n"
    "NGHỊ QUYẾT\nVề chính sách hỗ trợ\n\n"
)


def test_a_peoples_council_resolution_is_the_provinces_and_its_standing_board_supervises():
    text = PROVINCE_COUNCIL + (
        "Điều 3. Tổ chức thực hiện\n"
        "1. Giao Ủy ban nhân dân tỉnh tổ chức thực hiện, trong đó:\n"
        "a) Bố trí kinh phí trong dự toán ngân sách hằng năm;\n"
        "b) Sơ kết, trình Hội đồng nhân dân tỉnh tại kỳ họp thường lệ cuối năm 2027.\n"
        "2. Giao Thường trực Hội đồng nhân dân tỉnh, các Ban của Hội đồng nhân dân tỉnh giám "
        "sát việc thực hiện Nghị quyết này.\n"
    )
    tasks = by_key(read(text))
    assert {f.value for t in tasks.values() for f in t.leads} == {"Tỉnh ủy Nghệ An"}
    assert tasks["3.1.a"].deadline is None
    assert tasks["3.1.b"].deadline.value == "Tại kỳ họp thường lệ cuối năm 2027"
    assert tasks["3.2"].content == "Giám sát việc thực hiện Nghị quyết này."


def test_a_reports_proposals_give_work_to_the_bodies_and_members_it_names():
    text = HEAD + (
        "III. ĐỀ XUẤT\n"
        "Cơ quan thường trực đề nghị Ban Chỉ đạo giao các nhiệm vụ sau (hoàn thành trong quý "
        "IV/2025, trừ nhiệm vụ có thời hạn riêng):\n"
        "1. Đề nghị Ban Chỉ đạo giao Đảng ủy Chính phủ lãnh đạo, chỉ đạo:\n"
        "a) Ban hành nghị định về dữ liệu mở;\n"
        "b) Sửa đổi luật về đầu tư công, trình Quốc hội tại Kỳ họp thứ hai, Quốc hội khóa XVI.\n"
        "2. Đề nghị đồng chí Nguyễn Mạnh Hùng, Ủy viên Ban Chỉ đạo, Bộ trưởng Bộ Khoa học và "
        "Công nghệ chỉ đạo:\n"
        "- Xây dựng bộ chỉ số đổi mới sáng tạo trước Phiên họp thứ mười.\n"
        "3. Đề nghị Ban Chỉ đạo giao các bộ, ngành, địa phương cập nhật tiến độ, thực hiện "
        "trong năm 2025 và các năm tiếp theo.\n"
    )
    tasks = by_key(read(text))
    assert tasks["III.1"].content == "Lãnh đạo, chỉ đạo."
    assert tasks["III.1.a"].parent_key == "III.1"
    assert [f.value for f in tasks["III.1.a"].leads] == ["Đảng ủy Chính phủ"]
    # the session the work goes to, and a time before a session, beat the section's time
    assert tasks["III.1.b"].deadline.value == "Tại Kỳ họp thứ hai, Quốc hội khóa XVI"
    assert tasks["III.1.b"].due is None
    assert tasks["III.2"].content == "Chỉ đạo."
    assert [f.value for f in tasks["III.2.1"].members] == ["Nguyễn Mạnh Hùng"]
    assert tasks["III.2.1"].deadline.value == "Trước Phiên họp thứ mười"
    assert tasks["III.3"].deadline.value == "Trong năm 2025 và các năm tiếp theo"
    assert tasks["III.3"].due is None


def test_figures_work_handed_out_before_and_the_senders_intent_are_no_tasks():
    text = HEAD + (
        "I. KẾT QUẢ\n"
        "Đảng ủy Chính phủ 120 98 12\n"
        "Tại phiên họp thứ năm, Ban Chỉ đạo đã giao Bộ Tài chính hoàn thành hướng dẫn trước "
        "ngày 30/9/2025; đến nay đã hoàn thành.\n"
        "Cơ quan thường trực sẽ tiếp tục theo dõi, đôn đốc và báo cáo Ban Chỉ đạo.\n"
    )
    assert [t for t in read(text).tasks if t.confidence >= 0.5] == []


def test_enterprises_asked_for_work_lead_nothing_and_changing_minds_is_no_task():
    text = HEAD + (
        "II. KẾT LUẬN\n"
        "1. Doanh nghiệp là trung tâm; các bộ, ngành phải thay đổi tư duy quản lý.\n"
        "2. Đề nghị Tập đoàn Viettel nghiên cứu chip chuyên dụng trong quý IV/2025.\n"
    )
    proposed = {t.key: t for t in read(text).tasks if t.confidence >= 0.5}
    assert list(proposed) == ["II.2"]
    assert proposed["II.2"].leads == []


def test_a_field_after_a_full_stop_and_the_provinces_police_in_the_polices_own_plan():
    text = (
        "ĐẢNG ỦY CÔNG AN TRUNG ƯƠNG\nSố 40-KH/ĐUCATW\nHà Nội, ngày 05 tháng 3 năm 2026\n\n"
        "KẾ HOẠCH\n"
        "II. NHIỆM VỤ\n"
        "1. Xây dựng đề án đào tạo chuyên gia an ninh mạng.\n"
        "Đơn vị chủ trì: Cục Đào tạo; đơn vị phối hợp: Bộ Nội vụ. Thời hạn: quý III/2026.\n"
        "2. Công an các tỉnh, thành phố trực thuộc Trung ương số hóa hồ sơ cư trú trước ngày "
        "31/10/2026.\n"
        "3. Triển khai bảo vệ hệ thống thông tin, do Cục An ninh mạng chủ trì, phối hợp với Bộ "
        "Quốc phòng (Bộ Tư lệnh Tác chiến không gian mạng); hoàn thành trong quý IV/2026.\n"
    )
    tasks = by_key(read(text))
    assert tasks["II.1"].due == date(2026, 9, 30)
    assert [f.value for f in tasks["II.1"].coordinators] == ["Đảng ủy Bộ Nội vụ"]
    assert [f.value for f in tasks["II.2"].leads] == ["Đảng ủy Công an Trung ương"]
    assert [f.value for f in tasks["II.3"].leads] == ["Đảng ủy Công an Trung ương"]
    assert [f.value for f in tasks["II.3"].coordinators] == ["Quân ủy Trung ương"]
    assert tasks["II.3"].content == "Triển khai bảo vệ hệ thống thông tin."


NOTICE = (
    "BAN CHỈ ĐẠO TRUNG ƯƠNG\nSố 30-TB/BCĐTW\nHà Nội, ngày 10 tháng 11 năm 2025\n\n"
    "THÔNG BÁO\nkết luận của Ban Chỉ đạo\n\n"
)


def test_parts_lettered_under_a_roman_part_written_with_a_hyphen_keep_their_time():
    text = NOTICE + (
        "I- ĐÁNH GIÁ\nCác bộ, ngành đã hoàn thành nhiều nhiệm vụ.\n"
        "II- NHIỆM VỤ\n"
        "A. Những nhiệm vụ phải hoàn thành trong tháng 12/2025\n"
        "A.1. Bộ Tư pháp chủ trì rà soát các văn bản quy phạm pháp luật.\n"
        "B. Những nhiệm vụ triển khai trong năm 2026\n"
        "B.1. Bộ Nội vụ xây dựng khung năng lực số cho công chức.\n"
    )
    reading = read(text)
    keys = [p.key for p in reading.parts if p.kind == "section"]
    assert keys == ["I", "II", "II.A", "II.A.1", "II.B", "II.B.1"]
    tasks = by_key(reading)
    assert tasks["II.A.1"].due == date(2025, 12, 31)
    assert tasks["II.B.1"].due == date(2026, 12, 31)


def test_a_member_by_office_with_a_second_office_leading_in_is_a_parent_of_the_points():
    text = NOTICE + (
        "II. NHIỆM VỤ\n"
        "1. Đồng chí Thủ tướng Chính phủ, Phó Trưởng Ban Chỉ đạo lãnh đạo, chỉ đạo Đảng ủy "
        "Chính phủ hoàn thành các việc sau:\n"
        "- Ban hành nghị định hướng dẫn Luật Khoa học, công nghệ và đổi mới sáng tạo.\n"
        "- Giao Bộ Công an chủ trì xây dựng Trung tâm dữ liệu quốc gia số 2.\n"
    )
    tasks = by_key(read(text))
    assert tasks["II.1"].content.startswith("Lãnh đạo, chỉ đạo Đảng ủy Chính phủ")
    assert [m.value for m in tasks["II.1"].members] == ["Phạm Minh Chính"]
    assert tasks["II.1.2"].parent_key == "II.1"
    assert [f.value for f in tasks["II.1.2"].leads] == ["Đảng ủy Công an Trung ương"]
    assert [m.value for m in tasks["II.1.2"].members] == ["Phạm Minh Chính"]


def test_a_time_closing_an_item_with_two_works_is_the_time_of_both():
    text = CITY + (
        "2. Từ nay đến hết năm 2025, các cơ quan tập trung thực hiện các nhiệm vụ sau:\n"
        "2.1. Sở Nội vụ rà soát vị trí việc làm; ban hành danh mục công chức số, hoàn thành "
        "trước ngày 30/11/2025.\n"
        "2.2. Sở Tài chính bố trí kinh phí chuyển đổi số; hướng dẫn các xã lập dự toán. Thời "
        "hạn: trong quý IV/2025.\n"
    )
    tasks = by_key(read(text))
    assert "2.1b" not in tasks and "2.2b" not in tasks
    assert tasks["2.1"].due == date(2025, 11, 30)
    assert tasks["2.2"].due == date(2025, 12, 31)
    assert tasks["2.2"].deadline.value == "Quý IV/2025"


def test_normalise_drops_a_footer_rule_across_the_page():
    text = normalise(
        "nghiên cứu cơ chế thu hút chuyên gia\n" + "_" * 60 + "\n2\nngười Việt Nam."
    ).text
    assert text == "nghiên cứu cơ chế thu hút chuyên gia người Việt Nam."


def test_a_rhythm_from_a_start_on_and_a_time_field_with_one_time_per_work():
    text = HEAD + (
        "II. NHIỆM VỤ\n"
        "1. Triển khai Chương trình học bổng cho sinh viên ngành vi mạch.\n"
        "- Đơn vị chủ trì: Vụ Giáo dục Đại học.\n"
        "- Thời gian: Từ năm học 2025 – 2026 và hằng năm.\n"
        "2. Ban hành Khung năng lực số cho nhà giáo; tổ chức bồi dưỡng năng lực số cho nhà giáo.\n"
        "- Đơn vị chủ trì: Cục Nhà giáo.\n"
        "- Thời gian: Ban hành Khung trong tháng 9/2025; bồi dưỡng hằng năm.\n"
        "3. Bộ Nội vụ đánh giá cán bộ theo tiêu chí mới, thực hiện từ kỳ đánh giá năm 2026 và "
        "hằng năm.\n"
    )
    tasks = by_key(read(text))
    assert tasks["II.1"].deadline.value == "Từ năm học 2025 – 2026 và hằng năm"
    assert tasks["II.1"].due is None
    assert tasks["II.2"].content == "Ban hành Khung năng lực số cho nhà giáo"
    assert tasks["II.2"].due == date(2025, 9, 30)
    assert tasks["II.2b"].deadline.value == "Hằng năm"
    assert tasks["II.3"].deadline.value == "Từ kỳ đánh giá năm 2026 và hằng năm"


MEMBERS_TABLE = (
    "BAN CHỈ ĐẠO TRUNG ƯƠNG\nSố 30-QĐ/BCĐTW\nHà Nội, ngày 20 tháng 12 năm 2026\n\n"
    "BẢNG PHÂN CÔNG NHIỆM VỤ NĂM 2027\n\n"
    "| **TT** | **Nội dung công việc** | **Đồng chí phụ trách** | **Đơn vị tham mưu** | "
    "**Thời hạn** |\n"
    "| --- | --- | --- | --- | --- |\n"
    "| **I** | **CÔNG VIỆC CHUNG** |  |  |  |\n"
    "| 1 | Chủ trì sơ kết một năm thực hiện Nghị quyết | Đồng chí Trưởng Ban Chỉ đạo | "
    "Tổ giúp việc Ban Chỉ đạo (chủ trì), Bộ Tài chính | Quý II/2027 |\n"
    "| 2 | Chỉ đạo xây dựng cơ sở dữ liệu về đất đai | Đồng chí Lương Tam Quang<br>"
    "Đồng chí Nguyễn Văn Thắng | Bộ Công an; Bộ Tài chính | Năm 2027 |\n"
    "| 3 | Chỉ đạo phát triển công nghiệp quốc phòng | Đồng chí Phan Văn Giang |  | "
    "Thường xuyên |\n"
)


def test_a_markdown_table_of_members_assignments_gives_one_task_per_row():
    tasks = by_key(read(MEMBERS_TABLE))
    assert set(tasks) == {"I.1", "I.2", "I.3"}
    first, second, third = tasks["I.1"], tasks["I.2"], tasks["I.3"]
    assert first.content == "Chủ trì sơ kết một năm thực hiện Nghị quyết"
    # the head of the committee by his committee office; the staff unit marked "(chủ trì)"
    # leads and the others in its cell are partners
    assert [m.value for m in first.members] == ["Tô Lâm"]
    assert [f.value for f in first.leads] == ["Tổ giúp việc Ban Chỉ đạo Trung ương"]
    assert [f.value for f in first.coordinators] == ["Đảng ủy Bộ Tài chính"]
    assert first.due == date(2027, 6, 30)
    # two members in one cell ("<br>"), two staff units as joint leads
    assert [m.value for m in second.members] == ["Lương Tam Quang", "Nguyễn Văn Thắng"]
    assert [f.value for f in second.leads] == ["Đảng ủy Công an Trung ương", "Đảng ủy Bộ Tài chính"]
    # no staff unit: the member's own body does the work
    assert [f.value for f in third.leads] == ["Quân ủy Trung ương"]
    assert third.deadline.value == "Thường xuyên"


def test_a_running_header_with_the_documents_own_number_is_dropped_even_once():
    text = normalise(
        "Số 118-KL/TU\nKẾT LUẬN\n\n2.2. Ban Tuyên giáo đẩy mạnh tuyên truyền kỹ năng số\n\n"
        "KẾT LUẬN CỦA BAN THƯỜNG VỤ TỈNH ỦY – SỐ 118-KL/TU\n cho người dân; thực hiện thường "
        "xuyên."
    ).text
    assert "SỐ 118-KL/TU" not in text
    assert "kỹ năng số cho người dân; thực hiện thường xuyên." in text


def test_a_word_in_capitals_after_an_agencys_head_is_its_name_not_the_work():
    text = CITY + (
        "3. Tổ chức thực hiện\n"
        "3.1. Ủy ban Kiểm tra Thành ủy đưa nội dung thực hiện Kết luận này vào chương trình "
        "kiểm tra hằng năm.\n"
    )
    task = by_key(read(text))["3.1"]
    assert [f.value for f in task.leads] == ["Thành ủy Đà Nẵng"]
    assert task.confidence >= 0.9


UNNUMBERED_NOTICE = (
    "VĂN PHÒNG TRUNG ƯƠNG ĐẢNG\nSố 300-TB/VPTW\nHà Nội, ngày 10 tháng 11 năm 2026\n\n"
    "THÔNG BÁO\nkết luận của Thường trực Ban Bí thư\n\n"
    "Ngày 05/11/2026, tại Trụ sở Trung ương Đảng, Thường trực Ban Bí thư chủ trì hội nghị về "
    "chuyển đổi số trong các cơ quan đảng. Sau khi nghe báo cáo, Thường trực Ban Bí thư kết "
    "luận như sau:\n\n"
    "NHIỆM VỤ THỜI GIAN TỚI\n\n"
    "Từ nay đến hết quý II/2027, các cơ quan tập trung thực hiện các nhiệm vụ sau (trừ nhiệm vụ "
    "có thời hạn riêng):\n\n"
    "Bộ Công an khẩn trương nâng cấp hệ thống giám sát an ninh mạng của các cơ quan đảng.\n\n"
    "Ban Tổ chức Trung ương chủ trì xây dựng quy chế quản lý dữ liệu đảng viên, ban hành trong "
    "20 ngày kể từ ngày ban hành Thông báo này.\n\n"
    "Đảng ủy Chính phủ:\n"
    "•\tLãnh đạo các tổ chức đảng trực thuộc số hóa hồ sơ đảng viên.\n\n"
    "TỔ CHỨC THỰC HIỆN\n\n"
    "Văn phòng Trung ương Đảng theo dõi, đôn đốc việc thực hiện Thông báo này.\n"
)


def test_a_section_time_runs_over_the_unnumbered_paragraphs_under_it_until_a_heading():
    tasks = {t.content.split()[0]: t for t in read(UNNUMBERED_NOTICE).tasks if t.confidence >= 0.5}
    police = next(t for t in tasks.values() if "an ninh mạng" in t.content)
    assert police.due == date(2027, 6, 30)
    bullet = next(t for t in tasks.values() if "số hóa hồ sơ" in t.content)
    assert [f.value for f in bullet.leads] == ["Đảng ủy Chính phủ"]
    assert bullet.due == date(2027, 6, 30)
    # a heading in capitals ends the run: the follow-up has no time
    follow_up = next(t for t in tasks.values() if "theo dõi" in t.content)
    assert follow_up.deadline is None


def test_days_counted_from_the_documents_own_date_are_due_that_many_days_after_it():
    rules = next(t for t in read(UNNUMBERED_NOTICE).tasks if "quy chế" in t.content)
    assert rules.deadline.value.startswith("Trong 20 ngày kể từ ngày ban hành")
    assert rules.due == date(2026, 11, 30)


def test_working_days_from_the_signing_skip_weekends_and_a_term_of_days_counts_from_it():
    text = (
        "BỘ X\nSố: 12/KH-BX\nHà Nội, ngày 24 tháng 11 năm 2025\n\nKẾ HOẠCH\n"
        "Thực hiện Nghị quyết\n\nII. NHIỆM VỤ\n"
        "1. Bộ Tư pháp xây dựng kho dữ liệu mở, hoàn thành trong 15 ngày làm việc kể từ ngày "
        "ký Kế hoạch này.\n"
        "2. Bộ Nội vụ rà soát quy chế công vụ trong thời hạn 30 ngày kể từ ngày ký Kế hoạch "
        "này.\n"
    )
    tasks = by_key(read(text))
    # Monday 24/11/2025: fifteen working days after it is Monday 15/12/2025
    assert tasks["II.1"].deadline.value == "Trong 15 ngày làm việc kể từ ngày ký Kế hoạch này"
    assert tasks["II.1"].due == date(2025, 12, 15)
    assert tasks["II.2"].due == date(2025, 12, 24)


def test_department_headings_without_a_colon_and_the_heads_of_the_ministrys_units_lead_points():
    text = (
        "BỘ XÂY DỰNG\nSố: 03/CT-BXD\nHà Nội, ngày 10 tháng 3 năm 2026\n\nCHỈ THỊ\n"
        "Về chuyển đổi số\n\nBộ trưởng Bộ Xây dựng yêu cầu:\n\n"
        "1. Thủ trưởng các cơ quan, đơn vị thuộc Bộ\n"
        "a) Cử lãnh đạo phụ trách chuyển đổi số, gửi danh sách trước ngày 31/3/2026.\n"
        "2. Cục Kinh tế - Quản lý đầu tư xây dựng\n"
        "- Chủ trì, phối hợp với Vụ Pháp chế hoàn thiện dự thảo Nghị định về BIM, trình Bộ "
        "trưởng trong Quý II/2026.\n"
        "- Hướng dẫn các địa phương áp dụng BIM; thời gian thực hiện: năm 2026.\n"
    )
    tasks = by_key(read(text))
    for key in ("1.a", "2.1", "2.2"):
        assert tasks[key].confidence >= 0.5, key
        assert [f.value for f in tasks[key].leads] == ["Đảng ủy Bộ Xây dựng"], key


def test_a_bullet_printed_in_the_symbol_font_is_a_bullet():
    text = NOTICE + (
        "II. NHIỆM VỤ\n"
        "• Bộ Tư pháp hoàn thiện dự thảo Luật Dữ liệu, trình Chính phủ trong quý II/2025.\n"
        "\uf0b7 Bộ Nội vụ rà soát quy chế công vụ, hoàn thành trong quý III/2025.\n"
    )
    tasks = [t for t in read(text).tasks if t.confidence >= 0.5]
    home = next(t for t in tasks if "quy chế công vụ" in t.content)
    assert [f.value for f in home.leads] == ["Đảng ủy Bộ Nội vụ"]
    assert "\uf0b7" not in home.content and home.due == date(2025, 9, 30)
    assert not any("trình Chính phủ" in t.content and "quy chế" in t.content for t in tasks)


def test_a_year_in_the_lead_ins_purpose_is_no_time_and_a_review_conference_keeps_its_words():
    text = (
        "BỘ XÂY DỰNG\nSố: 03/CT-BXD\nHà Nội, ngày 10 tháng 3 năm 2026\n\nCHỈ THỊ\n"
        "Về chuyển đổi số\n\n"
        "Để tạo chuyển biến rõ nét trong năm 2026, Bộ trưởng Bộ Xây dựng yêu cầu:\n\n"
        "1. Vụ Kế hoạch - Tài chính bố trí kinh phí cho các nhiệm vụ chuyển đổi số.\n"
        "2. Văn phòng Bộ theo dõi, đôn đốc việc thực hiện Chỉ thị này, báo cáo Bộ trưởng tại "
        "Hội nghị sơ kết công tác 6 tháng đầu năm 2026 của Bộ.\n"
    )
    tasks = by_key(read(text))
    assert tasks["1"].deadline is None
    assert tasks["2"].deadline.value == "Tại Hội nghị sơ kết công tác 6 tháng đầu năm 2026 của Bộ"
    assert tasks["2"].due is None


def test_a_neighbouring_provinces_committee_stays_a_partner_in_a_provinces_own_notice():
    text = (
        "ỦY BAN NHÂN DÂN TỈNH ĐỒNG THÁP\nSố: 186/TB-VPUBND\nĐồng Tháp, ngày 14 tháng 4 năm 2026"
        "\n\nTHÔNG BÁO\nKết luận\n\n"
        "1. Sở Khoa học và Công nghệ chủ trì, phối hợp với Ủy ban nhân dân tỉnh An Giang, Công an "
        "tỉnh xây dựng phương án dùng chung hạ tầng; hoàn thành trong năm 2026.\n"
    )
    task = by_key(read(text))["1"]
    assert [f.value for f in task.leads] == ["Tỉnh ủy Đồng Tháp"]
    assert [f.value for f in task.coordinators] == ["Tỉnh ủy An Giang"]


def test_a_call_on_every_body_to_implement_the_plan_within_its_remit_is_no_task():
    text = (
        "ỦY BAN NHÂN DÂN TỈNH BÌNH DƯƠNG\nSố: 2315/KH-UBND\nBình Dương, ngày 12 tháng 5 năm 2025"
        "\n\nKẾ HOẠCH\nThực hiện Nghị quyết\n\nIV. TỔ CHỨC THỰC HIỆN\n"
        "1. Các sở, ban, ngành căn cứ chức năng, nhiệm vụ được giao chủ động xây dựng kế hoạch, "
        "tổ chức triển khai thực hiện Kế hoạch này.\n"
        "2. Sở Khoa học và Công nghệ theo dõi, tổng hợp tình hình thực hiện Kế hoạch, báo cáo Ủy "
        "ban nhân dân tỉnh trước ngày 15 hằng tháng.\n"
    )
    tasks = {t.key: t for t in read(text).tasks if t.confidence >= 0.5}
    assert "IV.1" not in tasks and "IV.2" in tasks


def test_work_to_do_only_if_something_happens_without_a_time_is_no_task():
    text = (
        "ỦY BAN NHÂN DÂN TỈNH BÌNH DƯƠNG\nSố: 2315/KH-UBND\nBình Dương, ngày 12 tháng 5 năm 2025"
        "\n\nKẾ HOẠCH\nThực hiện Nghị quyết\n\nII. NHIỆM VỤ\n"
        "1. Sở Khoa học và Công nghệ xây dựng dự thảo Nghị quyết về thử nghiệm có kiểm soát, "
        "trình Hội đồng nhân dân tỉnh trong quý III/2025.\n"
        "2. Trường hợp Chính phủ ban hành Nghị định hướng dẫn trước thời điểm trình, Sở Khoa học "
        "và Công nghệ rà soát, điều chỉnh dự thảo Nghị quyết cho phù hợp.\n"
    )
    tasks = {t.key: t for t in read(text).tasks if t.confidence >= 0.5}
    assert "II.1" in tasks and "II.2" not in tasks


def test_a_day_of_every_month_keeps_its_day_as_written():
    text = NOTICE + (
        "II. NHIỆM VỤ\n"
        "1. Bộ Tư pháp tổng hợp kết quả, báo cáo Ban Chỉ đạo trước ngày 05 hằng tháng.\n"
    )
    task = by_key(read(text))["II.1"]
    assert task.deadline.value == "Trước ngày 05 hằng tháng" and task.due is None


def test_a_call_on_companies_without_a_time_is_no_task():
    text = (
        "ỦY BAN NHÂN DÂN TỈNH ĐỒNG THÁP\nSố: 186/TB-VPUBND\nĐồng Tháp, ngày 14 tháng 4 năm 2026"
        "\n\nTHÔNG BÁO\nKết luận\n\n"
        "1. Sở Tài chính bố trí kinh phí cho chuyển đổi số, trình Ủy ban nhân dân tỉnh trước "
        "ngày 15/5/2026.\n"
        "2. Các doanh nghiệp viễn thông trên địa bàn tỉnh tiếp tục đầu tư, mở rộng vùng phủ "
        "sóng, nâng cao chất lượng dịch vụ.\n"
    )
    tasks = {t.key: t for t in read(text).tasks if t.confidence >= 0.5}
    assert "1" in tasks and "2" not in tasks


def test_a_rate_reached_listed_among_results_is_no_task():
    text = NOTICE + (
        "I. ĐÁNH GIÁ CHUNG\n"
        "Quý I/2025, các bộ, ngành, địa phương đã tích cực triển khai và đạt một số kết quả:\n"
        "- Tỷ lệ hồ sơ giải quyết trực tuyến toàn trình đạt 71,4%, tăng 9,2% so với quý IV/2024;\n"
        "II. NHIỆM VỤ\n"
        "1. Bộ Tư pháp nâng tỷ lệ hồ sơ trực tuyến toàn trình đạt 80% trong quý II/2025.\n"
    )
    keys = [t.key for t in read(text).tasks if t.confidence >= 0.5]
    assert "II.1" in keys and "I.1" not in keys


def test_the_closing_call_to_carry_out_the_directive_earnestly_is_no_task():
    text = (
        "BỘ XÂY DỰNG\nSố: 03/CT-BXD\nHà Nội, ngày 10 tháng 3 năm 2026\n\nCHỈ THỊ\n"
        "Về chuyển đổi số\n\nBộ trưởng Bộ Xây dựng yêu cầu:\n\n"
        "1. Vụ Tổ chức cán bộ xây dựng khung năng lực số, trình Bộ trưởng trong quý III/2026.\n\n"
        "Bộ trưởng yêu cầu Thủ trưởng các cơ quan, đơn vị thuộc Bộ nghiêm túc triển khai thực "
        "hiện Chỉ thị này; kết quả thực hiện là một tiêu chí đánh giá, xếp loại hằng năm.\n"
    )
    tasks = [t for t in read(text).tasks if t.confidence >= 0.5]
    assert [t.key for t in tasks] == ["1"]


def test_a_department_of_every_province_as_lead_is_the_provinces():
    text = (
        "BỘ NÔNG NGHIỆP VÀ MÔI TRƯỜNG\nSố: 4127/QĐ-BNNMT\nHà Nội, ngày 24 tháng 11 năm 2025\n\n"
        "KẾ HOẠCH\nChuyển đổi số\n\nII. NHIỆM VỤ\n"
        "1. Truyền dữ liệu quan trắc môi trường tự động về hệ thống của Bộ\n"
        "Cơ quan chủ trì: Sở Nông nghiệp và Môi trường các tỉnh, thành phố; Thời gian hoàn "
        "thành: Quý IV/2026\n"
    )
    task = by_key(read(text))["II.1"]
    assert [f.value for f in task.leads] == ["Các tỉnh, thành phố"]


def test_provinces_working_with_a_department_of_the_issuing_ministry_have_the_ministry_as_partner():
    text = (
        "BỘ NÔNG NGHIỆP VÀ MÔI TRƯỜNG\nSố: 4127/QĐ-BNNMT\nHà Nội, ngày 24 tháng 11 năm 2025\n\n"
        "QUYẾT ĐỊNH\nBan hành Kế hoạch\n\nĐiều 2. Tổ chức thực hiện\n"
        "1. Đề nghị Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương phối hợp với Cục "
        "Quản lý đất đai chỉ đạo cập nhật dữ liệu đất đai; hoàn thành trong Quý I/2026.\n"
        "2. Cục Chuyển đổi số phối hợp với Cục Quản lý đất đai cập nhật dữ liệu đất đai; hoàn "
        "thành trong Quý I/2026.\n"
    )
    tasks = by_key(read(text))
    assert [f.value for f in tasks["2.1"].leads] == ["Các tỉnh, thành phố"]
    assert [f.value for f in tasks["2.1"].coordinators] == ["Đảng ủy Bộ Nông nghiệp và Môi trường"]
    # the ministry's own department is never the ministry's partner
    assert not tasks["2.2"].coordinators


def test_a_paragraph_leading_in_with_a_body_and_its_work_is_the_parent_of_the_points():
    text = NOTICE + (
        "II. NHIỆM VỤ\n"
        "Từ nay đến hết năm 2026, các cấp ủy tập trung thực hiện các nhiệm vụ sau:\n"
        "1. Đối với Đảng ủy Chính phủ\n"
        "Đảng ủy Chính phủ lãnh đạo, chỉ đạo các bộ, ngành, địa phương:\n"
        "- Tháo gỡ vướng mắc trong giải ngân kinh phí khoa học, công nghệ.\n"
        "- Ban hành cơ chế đặt hàng doanh nghiệp công nghệ số trong quý III/2026.\n\n"
        "Đồng chí Thủ tướng Chính phủ trực tiếp chỉ đạo khởi công Trung tâm dữ liệu quốc gia.\n"
    )
    tasks = [t for t in read(text).tasks if t.confidence >= 0.5]
    lead_in, first, second, prose = tasks
    assert lead_in.content == "Lãnh đạo, chỉ đạo các bộ, ngành, địa phương."
    assert [f.value for f in lead_in.leads] == ["Đảng ủy Chính phủ"]
    assert not lead_in.members
    assert first.parent_key == second.parent_key == lead_in.key
    assert [f.value for f in first.leads] == ["Đảng ủy Chính phủ"]
    assert first.due == date(2026, 12, 31) and second.due == date(2026, 9, 30)
    assert [m.value for m in prose.members] == ["Phạm Minh Chính"]
    assert prose.due == date(2026, 12, 31)


def test_bodies_a_member_directs_do_not_lead_beside_the_member():
    text = NOTICE + (
        "II. NHIỆM VỤ\n"
        "1. Đồng chí Thủ tướng Chính phủ chỉ đạo các bộ, ngành hoàn thiện thể chế khoa học, "
        "công nghệ trong quý I/2026.\n"
    )
    task = by_key(read(text))["II.1"]
    assert [f.value for f in task.leads] == ["Đảng ủy Chính phủ"]


def test_a_half_yearly_rhythm_keeps_both_its_days_written_short():
    text = CITY + (
        "3. Tổ chức thực hiện\n"
        "3.1. Các sở, ngành báo cáo kết quả về Văn phòng Thành ủy định kỳ 6 tháng, trước ngày "
        "15/6 và 15/12.\n"
    )
    task = by_key(read(text))["3.1"]
    assert task.deadline.value == "Định kỳ 6 tháng, trước ngày 15/6 và 15/12"
    assert task.due is None


PROVINCE_RESOLUTION = (
    "TỈNH ỦY LÀO CAI\nSố 12-NQ/TU\nLào Cai, ngày 26 tháng 9 năm 2025\n\n"
    "NGHỊ QUYẾT\ncủa Ban Thường vụ Tỉnh ủy\n\n"
)


def test_a_provinces_own_points_opening_with_a_rhythm_or_a_partner_are_its_tasks():
    text = PROVINCE_RESOLUTION + (
        "III. NHIỆM VỤ, GIẢI PHÁP\n"
        "1. Phát triển hạ tầng số\n"
        "- Phối hợp với Bộ Khoa học và Công nghệ chỉ đạo các doanh nghiệp viễn thông phủ sóng "
        "đến 100% thôn, bản, hoàn thành trước ngày 31/12/2026.\n"
        "- Hằng năm cử cán bộ, công chức cấp xã tham gia các khóa bồi dưỡng kỹ năng số.\n"
        "- Tiếp tục triển khai Đề án\n06, làm giàu dữ liệu dân cư; thực hiện thường xuyên.\n"
    )
    tasks = [t for t in read(text).tasks if t.confidence >= 0.5]
    assert [t.key for t in tasks] == ["III.1.1", "III.1.2", "III.1.3"]
    assert all([f.value for f in t.leads] == ["Tỉnh ủy Lào Cai"] for t in tasks)
    assert tasks[2].content.startswith("Tiếp tục triển khai Đề án 06, làm giàu")


def test_a_committee_leading_a_body_to_do_work_is_the_parent_of_its_points():
    text = PROVINCE_RESOLUTION + (
        "IV. TỔ CHỨC THỰC HIỆN\n"
        "2. Đảng ủy Ủy ban nhân dân tỉnh lãnh đạo Ủy ban nhân dân tỉnh cụ thể hóa và bảo đảm "
        "nguồn lực thực hiện Nghị quyết:\n"
        "a) Xây dựng Kế hoạch thực hiện Nghị quyết trong tháng 10/2025.\n"
        "b) Hằng năm bố trí tối thiểu 3% tổng chi ngân sách tỉnh cho chuyển đổi số.\n"
    )
    tasks = by_key(read(text))
    assert tasks["IV.2"].content.startswith("Lãnh đạo Ủy ban nhân dân tỉnh cụ thể hóa")
    assert tasks["IV.2.a"].parent_key == tasks["IV.2.b"].parent_key == "IV.2"


NESTED_LETTER = (
    "VĂN PHÒNG TRUNG ƯƠNG ĐẢNG\nSố 2500-CV/VPTW\nHà Nội, ngày 14 tháng 9 năm 2026\n\n"
    "Văn phòng Trung ương Đảng xin thông báo ý kiến như sau:\n\n"
    "1. Về kết nối dữ liệu\n"
    "a) Đồng chí Thủ tướng Chính phủ chỉ đạo:\n"
    "- Bộ Công an chủ trì xây dựng phương án kết nối dữ liệu, hoàn thành trước ngày 30/11/2026.\n"
    "- Kết quả kết nối là một tiêu chí đánh giá mức độ hoàn thành nhiệm vụ của người đứng đầu.\n"
    "b) Ban Thường vụ các tỉnh ủy, thành ủy:\n"
    "- Chỉ đạo rà soát các trung tâm dữ liệu cấp tỉnh, hoàn thành trong quý IV/2026.\n"
    "- Các địa phương đã có trung tâm dữ liệu được ưu tiên lựa chọn làm điểm kết nối vùng.\n"
    "- Nghiên cứu, đề xuất tiêu chí chuyển đổi số, báo cáo Ban Bí thư trước Hội nghị Trung "
    "ương 15.\n"
)


def test_a_statement_under_a_lead_in_assigns_nothing():
    contents = [t.content for t in read(NESTED_LETTER).tasks if t.confidence >= 0.5]
    assert not any(c.startswith(("Kết quả kết nối", "Các địa phương đã có")) for c in contents)
    assert any(c.startswith("Bộ Công an chủ trì") for c in contents)


def test_an_addressee_point_naming_the_provinces_gives_them_to_its_items():
    tasks = [t for t in read(NESTED_LETTER).tasks if t.confidence >= 0.5]
    review = next(t for t in tasks if t.content.startswith("Chỉ đạo rà soát"))
    assert [f.value for f in review.leads] == ["Các tỉnh, thành phố"]
    assert review.due == date(2026, 12, 31)


def test_a_central_committee_plenum_without_a_date_is_a_deadline_without_a_day():
    tasks = [t for t in read(NESTED_LETTER).tasks if t.confidence >= 0.5]
    study = next(t for t in tasks if t.content.startswith("Nghiên cứu, đề xuất"))
    assert study.deadline.value == "Trước Hội nghị Trung ương 15"
    assert study.due is None


MINISTRY_PLAN = (
    "BỘ GIÁO DỤC VÀ ĐÀO TẠO\nSố: 412/KH-BGDĐT\nHà Nội, ngày 17 tháng 3 năm 2026\n\n"
    "KẾ HOẠCH\nThực hiện nhiệm vụ năm 2026\n\n"
)


def test_a_ministrys_units_given_work_reporting_at_a_rhythm_is_its_task_and_no_partner():
    text = MINISTRY_PLAN + (
        "II. NHIỆM VỤ\n"
        "1. Rà soát các thông tư về quản lý nhiệm vụ khoa học cấp bộ trong quý II/2026.\n"
        "- Đơn vị chủ trì: Vụ Khoa học, Công nghệ và Môi trường.\n"
        "- Đơn vị phối hợp: Các đơn vị thuộc Bộ; Bộ Tư pháp.\n"
        "III. TỔ CHỨC THỰC HIỆN\n"
        "1. Các đơn vị thuộc Bộ được giao chủ trì nhiệm vụ báo cáo kết quả thực hiện về Vụ Kế "
        "hoạch - Tài chính định kỳ hằng quý.\n"
        "2. Các đơn vị được giao chủ trì gửi dự thảo về Văn phòng Bộ chậm nhất 10 ngày làm việc "
        "trước phiên họp.\n"
    )
    tasks = by_key(read(text))
    assert [f.value for f in tasks["II.1"].coordinators] == ["Đảng ủy Bộ Tư pháp"]
    assert tasks["III.1"].confidence >= 0.5
    assert [f.value for f in tasks["III.1"].leads] == ["Đảng ủy Bộ Giáo dục và Đào tạo"]
    assert "III.2" not in tasks or tasks["III.2"].confidence < 0.5


def test_a_central_documents_partner_not_in_the_register_is_left_out():
    text = NOTICE + (
        "II. NHIỆM VỤ\n"
        "1. Bộ Tài chính chủ trì, phối hợp với Ngân hàng Nhà nước Việt Nam và Bộ Công an hoàn "
        "thiện nền tảng thanh toán trực tuyến trong quý II/2026.\n"
    )
    task = by_key(read(text))["II.1"]
    assert [f.value for f in task.coordinators] == ["Đảng ủy Công an Trung ương"]


APPENDIX_ALONE = """Phụ lục
DANH MỤC NHIỆM VỤ NĂM 2026
(Kèm theo Nghị quyết số 50/NQ-CP ngày 06 tháng 3 năm 2026 của Chính phủ)

STT   Nhiệm vụ                          Cơ quan chủ trì      Cơ quan phối hợp       Thời hạn
I     THỂ CHẾ
1     Xây dựng Nghị định về cơ chế      Bộ Tài chính         Bộ Tư pháp, Ngân hàng  Quý III/2026
      thử nghiệm có kiểm soát                                Nhà nước Việt Nam
2     Tổ chức Diễn đàn đổi mới sáng     Bộ Khoa học và Công  Bộ Ngoại giao          Quý IV/2026
      tạo quốc gia                      nghệ

Ghi chú:
- Cơ quan chủ trì chịu trách nhiệm về tiến độ và chất lượng sản phẩm của nhiệm vụ được giao.
- Hồ sơ trình gửi Văn phòng Chính phủ chậm nhất 10 ngày làm việc trước thời hạn.
"""


def test_notes_after_a_table_are_no_rows_of_it():
    tasks = [t for t in read(APPENDIX_ALONE).tasks if t.confidence >= 0.5]
    assert [t.key for t in tasks] == ["I.1", "I.2"]


def test_an_appendix_of_a_government_resolution_leaves_out_partners_the_register_lacks():
    first = by_key(read(APPENDIX_ALONE))["I.1"]
    assert [f.value for f in first.leads] == ["Đảng ủy Bộ Tài chính"]
    assert [f.value for f in first.coordinators] == ["Đảng ủy Bộ Tư pháp"]


FLATTENED_TABLE = (
    "BỘ X\nSố: 12/KH-BX\nHà Nội, ngày 05 tháng 3 năm 2025\n\nKẾ HOẠCH\nThực hiện Nghị quyết\n\n"
    "II. NHIỆM VỤ\n\n"
    "STT\n\nNhiệm vụ\n\nCơ quan chủ trì\n\nCơ quan phối hợp\n\nThời hạn\n\n"
    "1\n\nXây dựng kho dữ liệu mở\n\nBộ Tư pháp\n\nBộ Công an, Bộ Tài chính\n\nQuý II/2025\n\n"
    "2\n\nTập huấn kỹ năng số cho cán bộ\n\nBộ Nội vụ\n\n\n\nNăm 2025\n\n"
    "III. TỔ CHỨC THỰC HIỆN\n\n"
    "Bộ Nội vụ theo dõi, đôn đốc việc thực hiện Kế hoạch.\n"
)


def test_a_table_flattened_one_cell_a_line_gives_one_task_per_row():
    tasks = by_key(read(FLATTENED_TABLE))
    first, second = tasks["II.1"], tasks["II.2"]
    assert first.content == "Xây dựng kho dữ liệu mở"
    assert [f.value for f in first.leads] == ["Đảng ủy Bộ Tư pháp"]
    assert [f.value for f in first.coordinators] == [
        "Đảng ủy Công an Trung ương",
        "Đảng ủy Bộ Tài chính",
    ]
    assert first.due == date(2025, 6, 30)
    # an empty partners' cell: the time still goes to the time column
    assert [f.value for f in second.leads] == ["Đảng ủy Bộ Nội vụ"] and not second.coordinators
    assert second.due == date(2025, 12, 31)


WRAPPED_FLAT_TABLE = (
    "BỘ X\nSố: 12/KH-BX\nHà Nội, ngày 05 tháng 3 năm 2025\n\nKẾ HOẠCH\nThực hiện Nghị quyết\n\n"
    "II. NHIỆM VỤ\n"
    "STT\nNhiệm vụ\nSản phẩm\nCơ quan chủ trì\nCơ quan phối hợp\nThời hạn\n"
    "1\nXây dựng kho dữ liệu mở về\ntư pháp và hộ tịch\nKho dữ liệu\nBộ Tư pháp\n"
    "Bộ Công an; Bộ Tài\nchính\nQuý II/2025\n"
    "\f2\nSTT\nNhiệm vụ\nSản phẩm\nCơ quan chủ trì\nCơ quan phối hợp\nThời hạn\n"
    "2\nTập huấn kỹ năng số\nLớp tập huấn trên Cổng\nDịch vụ công quốc gia\nBộ Nội vụ\n"
    "Bộ Tư pháp\nTrước ngày 10 hằng\ntháng\n"
)


def test_a_flattened_table_whose_cells_wrap_at_the_printed_line_ends_gives_one_task_per_row():
    tasks = by_key(read(WRAPPED_FLAT_TABLE))
    first, second = tasks["II.1"], tasks["II.2"]
    assert first.content == "Xây dựng kho dữ liệu mở về tư pháp và hộ tịch"
    assert [f.value for f in first.leads] == ["Đảng ủy Bộ Tư pháp"]
    assert [f.value for f in first.coordinators] == [
        "Đảng ủy Công an Trung ương",
        "Đảng ủy Bộ Tài chính",
    ]
    assert first.due == date(2025, 6, 30)
    # the page's number and the heading repeated make no row; a product cell wrapped onto a
    # capital is joined again, so the agencies stay in their columns
    assert second.content == "Tập huấn kỹ năng số"
    assert [f.value for f in second.leads] == ["Đảng ủy Bộ Nội vụ"]
    assert [f.value for f in second.coordinators] == ["Đảng ủy Bộ Tư pháp"]
    assert second.deadline.value == "Trước ngày 10 hằng tháng"
    assert "II.3" not in tasks


DITTO_TABLE = (
    "BỘ X\nSố: 12/KH-BX\nHà Nội, ngày 05 tháng 3 năm 2025\n\nKẾ HOẠCH\nThực hiện Nghị quyết\n\n"
    "II. NHIỆM VỤ\n"
    "STT\tThời gian\tNội dung nhiệm vụ\tCơ quan chủ trì\tCơ quan phối hợp\n"
    "1\tQuý II/2025\tXây dựng kho dữ liệu mở\tBộ Tư pháp\tBộ Công an\n"
    "2\tNhư trên\tCông khai danh mục dữ liệu mở\tnt\tnt\n"
    "3\tNăm 2026\tTập huấn kỹ năng số\tBộ Nội vụ\tNt\n"
)


def test_a_table_cell_saying_nt_or_nhu_tren_repeats_the_cell_of_the_row_above():
    tasks = by_key(read(DITTO_TABLE))
    second, third = tasks["II.2"], tasks["II.3"]
    assert second.deadline.value == "Quý II/2025" and second.due == date(2025, 6, 30)
    assert [f.value for f in second.leads] == ["Đảng ủy Bộ Tư pháp"]
    assert [f.value for f in second.coordinators] == ["Đảng ủy Công an Trung ương"]
    assert [f.value for f in third.coordinators] == ["Đảng ủy Công an Trung ương"]


def test_a_session_the_work_goes_to_beats_the_sections_time_and_a_review_meeting_has_no_day():
    text = NOTICE + (
        "II. NHIỆM VỤ\n"
        "Từ nay đến hết năm 2026, các đồng chí thành viên tập trung chỉ đạo các nhiệm vụ sau:\n"
        "1. Đảng ủy Quốc hội chỉ đạo thẩm tra dự án Luật Dữ liệu, trình Quốc hội thông qua tại "
        "Kỳ họp thứ hai, Quốc hội khóa XVI.\n"
        "2. Cơ quan thường trực tổng hợp kết quả, báo cáo Ban Chỉ đạo tại Phiên họp đầu năm "
        "2027.\n"
        "3. Văn phòng Trung ương Đảng báo cáo tại hội nghị sơ kết 6 tháng đầu năm 2026.\n"
    )
    tasks = by_key(read(text))
    assert tasks["II.1"].deadline.value == "Tại Kỳ họp thứ hai, Quốc hội khóa XVI"
    assert tasks["II.2"].deadline.value == "Tại Phiên họp đầu năm 2027"
    assert tasks["II.3"].deadline.value == "Tại hội nghị sơ kết 6 tháng đầu năm 2026"
    assert all(tasks[k].due is None for k in ("II.1", "II.2", "II.3"))


def test_a_footer_with_the_documents_own_number_and_its_page_is_dropped():
    text = normalise(
        "Số 318-TB/ĐU\nTHÔNG BÁO\n\nc) Công khai danh mục kết quả nghiên cứu.\n"
        "Đảng ủy Bộ Khoa học và Công nghệ - Thông báo số 318-TB/ĐU Trang 2\n"
        "3. Nhiệm vụ 6 tháng cuối năm 2026"
    ).text
    assert "Trang 2" not in text


def test_a_member_by_name_with_three_offices_leading_in_is_a_parent():
    text = NOTICE + (
        "II. NHIỆM VỤ\n"
        "1. Đồng chí Phạm Minh Chính, Ủy viên Bộ Chính trị, Thủ tướng Chính phủ, Phó Trưởng Ban "
        "Chỉ đạo lãnh đạo, chỉ đạo Đảng ủy Chính phủ hoàn thành các nhiệm vụ sau:\n"
        "a) Ban hành Nghị định quy định chi tiết Luật Chuyển đổi số.\n"
    )
    tasks = by_key(read(text))
    assert tasks["II.1"].content.startswith("Lãnh đạo, chỉ đạo Đảng ủy Chính phủ")
    assert tasks["II.1.a"].parent_key == "II.1"


def test_a_markdown_table_opening_the_text_or_indented_is_read_by_its_columns():
    table = (
        "| STT | Nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp | Thời hạn |\n"
        "|:---:|---|---|---|---|\n"
        "| 1 | Xây dựng kho dữ liệu mở | Bộ Tư pháp | Bộ Công an | Quý II/2025 |\n"
    )
    for text in (table, "".join(f"  {line}\n" for line in table.splitlines())):
        (task,) = [t for t in read(text).tasks if t.confidence >= 0.5]
        assert task.content == "Xây dựng kho dữ liệu mở"
        assert [f.value for f in task.coordinators] == ["Đảng ủy Công an Trung ương"]


def test_a_letter_quoted_in_an_e_mail_is_read_without_its_quote_marks_and_wraps():
    letter = (
        "BỘ X\n"
        "Số: 12/CV-BX\n"
        "Hà Nội, ngày 05 tháng 3 năm 2025\n"
        "\n"
        "Kính gửi: Các bộ, ngành.\n"
        "\n"
        "1. Đề nghị Bộ Công an chủ trì, phối hợp với Bộ Tư pháp và các cơ quan liên\n"
        "quan xây dựng cơ sở dữ liệu dân cư phục vụ chuyển đổi số quốc gia, Ban\n"
        "Chỉ đạo Trung ương theo dõi kết quả, báo cáo trước ngày 30/6/2025.\n"
        "\n"
        "2. Đề nghị Bộ Tư pháp rà soát văn bản quy phạm pháp luật về dữ liệu.\n"
        "\n"
        "Trân trọng./.\n"
    )
    mail = "From: X\nSent: Monday\n\n-----Original Message-----\n\n" + "".join(
        f"> {line}\n" if line else ">\n" for line in letter.splitlines()
    )
    tasks = by_key(read(mail))
    assert "quốc gia, Ban Chỉ đạo Trung ương theo dõi kết quả" in tasks["1"].content
    assert tasks["1"].due == date(2025, 6, 30)
    assert [f.value for f in tasks["1"].leads] == ["Đảng ủy Công an Trung ương"]
    assert ">" not in tasks["2"].content


def test_a_work_programme_s_month_headings_are_the_time_of_the_work_under_them():
    text = (
        "BỘ X\nSố: 12/CTr-BX\nHà Nội, ngày 05 tháng 01 năm 2026\n\n"
        "CHƯƠNG TRÌNH CÔNG TÁC NĂM 2026\n\n"
        "I. NỘI DUNG CÔNG TÁC THEO THÁNG\n"
        "Tháng 3\n"
        "• Bộ Tư pháp chủ trì xây dựng Đề án cơ sở dữ liệu hộ tịch điện tử.\n"
        "• Bộ Công an hoàn thành kết nối dữ liệu dân cư với các bộ trước ngày 15/3/2026.\n"
        "Tháng 11\n"
        "• Bộ Tư pháp chủ trì tổng kết việc thực hiện Đề án cơ sở dữ liệu hộ tịch.\n"
    )
    tasks = by_key(read(text))
    assert tasks["I.3.1"].due == date(2026, 3, 31)
    assert tasks["I.3.2"].due == date(2026, 3, 15)
    assert tasks["I.11.1"].due == date(2026, 11, 30)


def test_a_pasted_web_notice_with_a_section_time_sentence_roman_sub_items_and_a_link():
    text = (
        "VĂN PHÒNG CHÍNH PHỦ\nSố: 12/TB-VPCP\nHà Nội, ngày 05 tháng 3 năm 2026\n\n"
        "THÔNG BÁO\nKết luận của Phó Thủ tướng Chính phủ\n\n"
        "Ngày 01/3/2026, Phó Thủ tướng Chính phủ đã chủ trì cuộc họp về dữ liệu số. Sau khi nghe "
        "báo cáo, Phó Thủ tướng Chính phủ kết luận như sau:\n"
        "Nhiệm vụ cụ thể\n"
        "Các nhiệm vụ dưới đây hoàn thành trong quý III/2026, trừ nhiệm vụ có thời hạn riêng.\n"
        "1) Bộ Tư pháp chủ trì xây dựng cơ sở dữ liệu hộ tịch điện tử.\n"
        "Xem thêm: Phó Thủ tướng chỉ đạo hoàn thiện dữ liệu hộ tịch\n"
        "2) Bộ Giáo dục và Đào tạo: (i) ban hành Quy định về học bạ số trong tháng 8/2026; "
        "(ii) chỉ đạo các trường đại học mở ngành trí tuệ nhân tạo.\n"
        "3) Bộ Công an hoàn thành kết nối dữ liệu dân cư với các bộ.\n"
    )
    tasks = by_key(read(text))
    assert tasks["1"].due == date(2026, 9, 30)
    assert tasks["2.i"].due == date(2026, 8, 31)
    assert tasks["2.ii"].due == date(2026, 9, 30)
    assert [f.value for f in tasks["2.ii"].leads] == ["Đảng ủy Bộ Giáo dục và Đào tạo"]
    assert tasks["3"].due == date(2026, 9, 30)
    assert not any("Xem thêm" in t.content for t in tasks.values())


def test_a_layout_table_with_touching_columns_and_the_row_number_on_a_middle_line():
    table = (
        "TT   Nội dung nhiệm vụ                      Đơn vị chủ trì  Đơn vị phối hợp  Thời gian\n"
        "                                                                             hoàn thành\n"
        "\n"
        "       I. THỂ CHẾ, CHÍNH SÁCH\n"
        "     Xây dựng Quy chế quản lý cơ sở dữ liệu Vụ Pháp chế     Bộ Công an;\n"
        "1    hộ tịch, bảo đảm kết nối với Cơ sở dữ                  Bộ Tư pháp       "
        "Quý III/2026\n"
        "     liệu quốc gia về dân cư\n"
        "\n"
        "     Rà soát các thông tư về định mức kinh  Vụ Khoa học và  Bộ Tài chính     Tháng\n"
        "2    tế - kỹ thuật để áp dụng công nghệ số  Công nghệ                        10/2026\n"
        "     và trí tuệ nhân tạo\n"
    )
    tasks = read(HEAD + "II. NHIỆM VỤ\nCác nhiệm vụ tại Phụ lục kèm theo.\n\n" + table).tasks
    by_content = {t.content[:20]: t for t in tasks if t.confidence >= 0.5}
    first = by_content["Xây dựng Quy chế quả"]
    assert first.content.startswith("Xây dựng Quy chế quản lý cơ sở dữ liệu hộ tịch")
    assert [f.value for f in first.coordinators] == [
        "Đảng ủy Công an Trung ương",
        "Đảng ủy Bộ Tư pháp",
    ]
    assert first.due == date(2026, 9, 30)
    assert by_content["Rà soát các thông tư"].due == date(2026, 10, 31)


def test_a_status_day_in_the_lead_in_is_no_time_for_the_items_below():
    text = HEAD + (
        "Đến ngày 05/11/2026, các cơ quan đã hoàn thành 87% nhiệm vụ được giao trong năm. Để "
        "chuẩn bị Phiên họp, Bộ X đề nghị:\n"
        "1. Bộ Tư pháp rà soát văn bản quy phạm pháp luật về dữ liệu.\n"
        "2. Bộ Công an hoàn thành kết nối dữ liệu dân cư trước ngày 30/11/2026.\n"
    )
    tasks = by_key(read(text))
    assert tasks["1"].due is None
    assert tasks["2"].due == date(2026, 11, 30)


def test_a_city_named_da_nang_before_the_verb_is_no_past_tense():
    def item(city):
        text = HEAD + (
            "II. NHIỆM VỤ\n"
            f"1. Ủy ban nhân dân Thành phố Hà Nội và thành phố {city} xây dựng trung tâm thử "
            "nghiệm sản phẩm trí tuệ nhân tạo, hoàn thành trong quý IV/2026.\n"
        )
        return by_key(read(text))["II.1"]

    assert item("Đà Nẵng").confidence == item("Hải Phòng").confidence
    assert item("Đà Nẵng").due == date(2026, 12, 31)


DECK_HEAD = "Slide 1\nBAN CHỈ ĐẠO\n\nBÁO CÁO\nĐề xuất nhiệm vụ\nHà Nội, ngày 12/11/2026\n\n"


def test_a_tabbed_table_heading_over_two_lines_keeps_its_spanned_columns():
    # "Đơn vị thực hiện" spans "Chủ trì | Phối hợp"; "Thời hạn" stands after them
    text = (
        DECK_HEAD + "Slide 2\nNHIỆM VỤ\n"
        "STT\tNội dung\tĐơn vị thực hiện\t\tThời hạn\n"
        "\t\tChủ trì\tPhối hợp\t\n"
        "1\tXây dựng kho dữ liệu mở về đất đai\tBộ Nông nghiệp và Môi trường\tBộ Tài chính\t"
        "Quý I/2027\n"
        "2\tBan hành quy chế chia sẻ dữ liệu\tBộ Công an\tBộ Tư pháp\t30/01/2027\n"
    )
    tasks = by_key(read(text))
    assert tasks["1"].due == date(2027, 3, 31)
    assert [f.value for f in tasks["1"].coordinators] == ["Đảng ủy Bộ Tài chính"]
    assert tasks["2"].due == date(2027, 1, 30)
    assert [f.value for f in tasks["2"].leads] == ["Đảng ủy Công an Trung ương"]


def test_a_table_heading_repeated_on_the_next_slide_adds_nothing_to_the_row_above():
    heading = "STT\tNội dung\tĐơn vị thực hiện\t\tThời hạn\n\t\tChủ trì\tPhối hợp\t\n"
    text = (
        DECK_HEAD + "Slide 2\n" + heading + "1\tXây dựng kho dữ liệu mở\tBộ Tài chính\t"
        "Bộ Tư pháp\tQuý I/2027\n\nSlide 3\n" + heading + "2\tBan hành quy chế chia sẻ dữ "
        "liệu\tBộ Công an\tBộ Tư pháp\t30/01/2027\n"
    )
    tasks = by_key(read(text))
    assert [f.value for f in tasks["1"].leads] == ["Đảng ủy Bộ Tài chính"]
    assert tasks["2"].due == date(2027, 1, 30)


def test_slide_bullets_at_three_levels_give_tasks_under_their_addressee():
    # "•" names who, each "o" is a task, a "▪" only details the "o" above it
    text = (
        DECK_HEAD + "Slide 2\nĐỀ XUẤT\n"
        "•\tBộ Y tế:\n"
        "o\tXây dựng hồ sơ sức khỏe điện tử cho người cao tuổi\n"
        "▪\tTrước hết tại các trạm y tế xã\n"
        "o\tBáo cáo kết quả triển khai bệnh án điện tử\n"
    )
    tasks = [t for t in read(text).tasks if t.confidence >= 0.5]
    assert all(t.parent_key is None for t in tasks)
    assert [t.content.rstrip(".") for t in tasks] == [
        "Xây dựng hồ sơ sức khỏe điện tử cho người cao tuổi",
        "Báo cáo kết quả triển khai bệnh án điện tử",
    ]
    assert all([f.value for f in t.leads] == ["Bộ Y tế"] for t in tasks)


def test_a_word_broken_before_a_capital_o_is_no_bullet():
    text = normalise("tổng hợp, báo cá-\no Bộ trưởng kết quả thực hiện.").text
    assert text == "tổng hợp, báo cáo Bộ trưởng kết quả thực hiện."


def test_a_slide_marker_ends_the_last_table_row_of_the_slide_before():
    text = (
        DECK_HEAD + "Slide 2\nSTT\tNội dung\tChủ trì\tPhối hợp\tThời hạn\n"
        "1\tXây dựng kho dữ liệu mở\tBộ Tài chính\tBộ Tư pháp\tQuý I/2027\n\n"
        "Slide 3\nĐỀ XUẤT KHÁC\n•\tBộ Y tế:\no\tXây dựng hồ sơ sức khỏe điện tử\n"
    )
    tasks = [t for t in read(text).tasks if t.confidence >= 0.5]
    health = next(t for t in tasks if "sức khỏe" in t.content)
    assert health.parent_key is None
    assert [f.value for f in health.leads] == ["Bộ Y tế"]


def test_a_members_bullet_heading_gives_its_items_the_member_and_his_body():
    text = (
        DECK_HEAD + "- Đồng chí Lương Tam Quang, Bộ trưởng Bộ Công an:\n"
        "+ Chỉ đạo rà soát dữ liệu dân cư của các địa phương\n"
    )
    tasks = [t for t in read(text).tasks if t.confidence >= 0.5]
    assert len(tasks) == 1
    assert [m.value for m in tasks[0].members] == ["Lương Tam Quang"]
    assert [f.value for f in tasks[0].leads] == ["Đảng ủy Công an Trung ương"]


def test_a_month_after_a_dash_closing_a_bullet_is_its_time():
    text = DECK_HEAD + "- Bộ Y tế:\n+ Hoàn thành kết nối dữ liệu tiêm chủng – tháng 02/2027\n"
    tasks = [t for t in read(text).tasks if t.confidence >= 0.5]
    assert tasks[0].due == date(2027, 2, 28)


def test_a_period_after_a_dash_inside_a_sentence_is_no_time():
    text = HEAD + "1. Bộ Y tế xây dựng đề án giai đoạn 2026 - tháng 12/2030 về y tế số.\n"
    tasks = read(text).tasks
    assert tasks[0].deadline is None


def test_a_figure_date_after_the_place_dates_the_document():
    assert read(DECK_HEAD).header.date == date(2026, 11, 12)


def test_minutes_take_tasks_only_from_the_chairs_conclusions():
    text = (
        "BỘ Y TẾ\nBIÊN BẢN CUỘC HỌP\nVề bệnh án điện tử\nHà Nội, ngày 10 tháng 11 năm 2026\n\n"
        "I. NỘI DUNG CUỘC HỌP\n"
        "1. Đại diện Bộ Công an đề nghị các địa phương sử dụng dịch vụ xác thực điện tử.\n"
        "2. Bộ Tài chính đề xuất các tỉnh bố trí kinh phí cho bệnh án điện tử.\n"
        "II. KẾT LUẬN CỦA CHỦ TRÌ\n"
        "1. Giao Cục Công nghệ thông tin hoàn thành hướng dẫn kết nối trước ngày 30/11/2026.\n"
    )
    tasks = [t for t in read(text).tasks if t.confidence >= 0.5]
    assert [t.key for t in tasks] == ["II.1"]


OWN = "Đảng ủy Bộ Giáo dục và Đào tạo"
MINISTRY_HEAD = (
    "BỘ GIÁO DỤC VÀ ĐÀO TẠO\nSố: 88/KH-BGDĐT\nHà Nội, ngày 05 tháng 3 năm 2026\n\n"
    "KẾ HOẠCH\nVề trường học số\n\n"
)


def test_an_hour_before_the_day_keeps_the_day_as_the_deadline():
    text = HEAD + "1. Bộ Tài chính rà soát định mức chi, gửi Bộ X trước 16h30 ngày 12/3/2025.\n"
    assert read(text).tasks[0].due == date(2025, 3, 12)


def test_before_a_national_conference_is_a_deadline_without_a_day():
    text = (
        HEAD + "1. Bộ Nội vụ tổng hợp kinh nghiệm các địa phương, trước Hội nghị toàn quốc về cải "
        "cách hành chính.\n"
    )
    task = read(text).tasks[0]
    assert task.deadline.value == "Trước Hội nghị toàn quốc về cải cách hành chính"
    assert task.due is None


def test_a_unit_in_brackets_after_the_work_leads_it():
    text = MINISTRY_HEAD + (
        "1. Xây dựng quy chế khai thác dữ liệu học bạ số (Cục Nhà giáo và Cán bộ quản lý giáo "
        "dục chủ trì); hoàn thành trong quý III/2026.\n"
        "2. Phối hợp với Bộ Công an kết nối dữ liệu dân cư (Cục Công nghệ thông tin thực hiện).\n"
    )
    tasks = by_key(read(text))
    assert [f.value for f in tasks["1"].leads] == [OWN]
    assert tasks["1"].content == "Xây dựng quy chế khai thác dữ liệu học bạ số."
    assert [f.value for f in tasks["2"].leads] == [OWN]


def test_a_department_of_every_province_as_partner_is_the_provinces():
    text = MINISTRY_HEAD + (
        "1. Cục Nhà giáo và Cán bộ quản lý giáo dục chủ trì, phối hợp với Sở Y tế các tỉnh, "
        "thành phố tổ chức tập huấn y tế trường học, hằng năm.\n"
    )
    task = read(text).tasks[0]
    assert [f.value for f in task.coordinators] == ["Các tỉnh, thành phố"]


def test_an_academy_of_the_ministry_acts_for_the_ministry_in_its_own_document():
    text = (
        MINISTRY_HEAD
        + "1. Học viện Nhà giáo Việt Nam tổ chức bồi dưỡng kỹ năng số cho giảng viên; thời "
        "gian: quý III/2026.\n"
    )
    assert [f.value for f in read(text).tasks[0].leads] == [OWN]


def test_the_document_spread_and_a_call_on_all_party_bodies_to_study_it_are_no_tasks():
    text = HEAD + (
        "III. TỔ CHỨC THỰC HIỆN\n"
        "1. Các cấp ủy, tổ chức đảng trực thuộc tổ chức quán triệt, xây dựng kế hoạch thực hiện "
        "Kế hoạch phù hợp với điều kiện của đơn vị.\n"
        "2. Bộ X chủ trì theo dõi việc thực hiện, định kỳ 6 tháng báo cáo.\n"
        "3. Kế hoạch này được phổ biến đến chi bộ.\n"
    )
    tasks = [t for t in read(text).tasks if t.confidence >= 0.5]
    assert [t.key for t in tasks] == ["III.2"]


# --- Layouts of the seventeenth and nineteenth sets' round: time marks, leads given once,
# labelled-line blocks, period headings, trailing parentheses, one cell a line, OCR ---

HEALTH_PLAN = (
    "BỘ Y TẾ\nSố: 77/KH-BYT\nHà Nội, ngày 02 tháng 02 năm 2026\n\nKẾ HOẠCH\nChuyển đổi số\n\n"
)


def test_a_time_marked_by_x_under_quarter_columns_is_the_end_of_the_last_marked_quarter():
    sp = " " * 40
    text = HEALTH_PLAN + (
        "II. NHIỆM VỤ\n"
        f"{sp}                                     Thời gian thực hiện năm 2026\n"
        "TT   Nhiệm vụ                        Đơn vị chủ trì     Đơn vị phối hợp    "
        "Quý I  Quý II  Quý III  Quý IV\n"
        "\n"
        "1    Số hóa hồ sơ bệnh án điện tử    Cục Quản lý        Bộ Công an           "
        "x       x\n"
        "     tại các bệnh viện tuyến tỉnh    khám, chữa bệnh\n"
        "\n"
        "2    Đào tạo kỹ năng số cho nhân     Vụ Tổ chức cán bộ  Bộ Nội vụ          "
        "x      x       x        X\n"
        "     viên y tế\n"
    )
    tasks = by_key(read(text))
    first, second = tasks["II.1"], tasks["II.2"]
    assert first.content.startswith("Số hóa hồ sơ bệnh án điện tử")
    assert first.due == date(2026, 6, 30)  # marks under Quý I and Quý II
    assert second.due == date(2026, 12, 31)  # a mark in every quarter, one in capitals


def test_a_sub_heading_naming_the_lead_leads_the_rows_under_it_up_to_the_next_group():
    text = (
        "Phụ lục\nDANH MỤC NHIỆM VỤ\n(Kèm theo Nghị quyết số 12/NQ-CP ngày 05 tháng 3 năm 2026 "
        "của Chính phủ)\n\n"
        "TT\tNhiệm vụ\tCơ quan phối hợp\tSản phẩm\tThời hạn hoàn thành\n"
        "I\tBỘ Y TẾ\t\t\t\n"
        "1\tXây dựng Thông tư về hồ sơ sức khỏe điện tử\tBộ Công an\tThông tư\tQuý II/2026\n"
        "II\tCÁC BỘ, CƠ QUAN KHÁC\t\t\t\n"
        "\tBộ Tư pháp chủ trì:\t\t\t\n"
        "2\tRà soát quy định về chứng thực điện tử\tBộ Y tế\tBáo cáo\tQuý III/2026\n"
        "\tBộ Nội vụ chủ trì:\t\t\t\n"
        "3\tXây dựng khung năng lực số của công chức\tBộ Tư pháp\tQuyết định\tNăm 2026\n"
    )
    tasks = {t.content: t for t in read(text).tasks}
    assert [f.value for f in tasks["Rà soát quy định về chứng thực điện tử"].leads] == [
        "Đảng ủy Bộ Tư pháp"
    ]
    assert [f.value for f in tasks["Xây dựng khung năng lực số của công chức"].leads] == [
        "Đảng ủy Bộ Nội vụ"
    ]
    # the sub-heading is no row and no task of its own
    assert len(read(text).tasks) == 3


def test_a_docx_cell_of_two_paragraphs_is_one_row_and_one_task():
    text = (
        "Phụ lục\nDANH MỤC NHIỆM VỤ\n(Kèm theo Nghị quyết số 12/NQ-CP ngày 05 tháng 3 năm 2026 "
        "của Chính phủ)\n\n"
        "TT\tNhiệm vụ\tCơ quan chủ trì\tCơ quan phối hợp\tThời hạn hoàn thành\n"
        "1\tBan hành hướng dẫn kết nối dữ liệu y tế.\n"
        "Tổ chức kiểm tra việc kết nối tại các tỉnh\tBộ Y tế\tBộ Công an\tNăm 2026\n"
        "2\tXây dựng cơ sở dữ liệu dược\tBộ Y tế\tBộ Tài chính\tQuý IV/2026\n"
    )
    tasks = read(text).tasks
    assert len(tasks) == 2
    first = tasks[0]
    assert first.content == (
        "Ban hành hướng dẫn kết nối dữ liệu y tế. Tổ chức kiểm tra việc kết nối tại các tỉnh"
    )
    assert [f.value for f in first.coordinators] == ["Đảng ủy Công an Trung ương"]
    assert first.due == date(2026, 12, 31)


def test_a_table_pasted_one_cell_a_line_keeps_empty_cells_and_a_merged_lead_cell():
    nbsp = "\u00a0"
    text = (
        "THỦ TƯỚNG CHÍNH PHỦ\nSố: 90/QĐ-TTg\nHà Nội, ngày 10 tháng 4 năm 2027\n\n"
        "QUYẾT ĐỊNH\nBan hành danh mục nhiệm vụ\n\n"
        "STT\nCơ quan chủ trì\nNhiệm vụ\nCơ quan phối hợp\nThời hạn\nGhi chú\n\n"
        "1\nBộ Khoa học và Công nghệ\nXây dựng nền tảng khám bệnh từ xa\n"
        "Bộ Công an;\nBộ Tài chính\n"
        f"Quý III/2027\n{nbsp}\n\n"
        "2\nChuẩn hóa dữ liệu bảo hiểm y tế\nBộ Tài chính\nNăm 2027\nTrình Chính phủ\n\n"
        f"3\nBộ Nội vụ\nSố hóa hồ sơ công chức\n{nbsp}\nHằng năm\n{nbsp}\n\n"
        "Quyết định có hiệu lực từ ngày ký.\n"
    )
    tasks = read(text).tasks
    first, second, third = tasks[:3]
    # a cell broken by a line break is one cell
    assert [f.value for f in first.coordinators] == [
        "Đảng ủy Công an Trung ương",
        "Đảng ủy Bộ Tài chính",
    ]
    # a row with one cell fewer has no lead cell of its own: the group's lead goes on
    assert second.content == "Chuẩn hóa dữ liệu bảo hiểm y tế"
    assert [f.value for f in second.leads] == ["Đảng ủy Bộ Khoa học và Công nghệ"]
    assert second.due == date(2027, 12, 31)  # the notes column gives no time
    assert [f.value for f in third.leads] == ["Đảng ủy Bộ Nội vụ"] and not third.coordinators


def test_a_programmes_period_headings_time_the_lines_under_them_and_parentheses_name_the_doers():
    text = (
        "BAN CHỈ ĐẠO TRUNG ƯƠNG\nSố 20-CTr/BCĐTW\nHà Nội, ngày 20 tháng 12 năm 2026\n\n"
        "CHƯƠNG TRÌNH\ncông tác năm 2027\n\n"
        "II. NỘI DUNG\n"
        "Tháng 02/2027\n"
        "- Sơ kết thí điểm sàn dữ liệu (Bộ Khoa học và Công nghệ chủ trì, phối hợp Bộ Tài "
        "chính)\n"
        "Quý II/2027\n"
        "- Phiên họp thứ năm của Ban Chỉ đạo (Cơ quan thường trực chuẩn bị)\n"
        "- Tổng kết đề án nhân lực số, báo cáo trước ngày 10/5/2027 (Bộ Nội vụ phối hợp Bộ Giáo "
        "dục và Đào tạo chuẩn bị)\n"
    )
    tasks = read(text).tasks
    review, session, summary = tasks
    assert review.content == "Sơ kết thí điểm sàn dữ liệu"
    assert [f.value for f in review.leads] == ["Đảng ủy Bộ Khoa học và Công nghệ"]
    assert [f.value for f in review.coordinators] == ["Đảng ủy Bộ Tài chính"]
    assert review.due == date(2027, 2, 28)
    assert [f.value for f in session.leads] == [
        "Văn phòng Trung ương Đảng – Cơ quan thường trực Ban Chỉ đạo"
    ]
    assert session.due == date(2027, 6, 30)
    # the line's own day beats its heading; "X phối hợp Y chuẩn bị" leads with X
    assert summary.due == date(2027, 5, 10)
    assert [f.value for f in summary.leads] == ["Đảng ủy Bộ Nội vụ"]
    assert [f.value for f in summary.coordinators] == ["Đảng ủy Bộ Giáo dục và Đào tạo"]


def test_a_parenthesis_giving_the_channel_of_a_report_names_no_doer():
    text = NOTICE + (
        "1. Bộ Nội vụ tổng hợp kết quả, báo cáo Ban Chỉ đạo (qua Cơ quan thường trực) trong "
        "tháng 12/2025.\n"
    )
    task = read(text).tasks[0]
    assert [f.value for f in task.leads] == ["Đảng ủy Bộ Nội vụ"]


def test_a_task_block_of_labelled_lines_takes_its_content_line_as_the_work():
    text = HEALTH_PLAN + (
        "III. NHIỆM VỤ CỤ THỂ\n"
        "Nhiệm vụ 1: Bệnh án điện tử\n"
        "– Nội dung: Triển khai bệnh án điện tử tại các bệnh viện tuyến tỉnh.\n"
        "– Đơn vị thực hiện: Đảng ủy Bộ Y tế\n"
        "– Cơ quan phối hợp: Đảng ủy Bộ Tài chính\n"
        "– Thời hạn: Tháng 9/2026\n"
        "\n"
        "Nhiệm vụ 2: Đào tạo nhân lực y tế số\n"
        "– Cơ quan chủ trì: Đảng ủy Bộ Giáo dục và Đào tạo (đồng chí Bộ trưởng Bộ Giáo dục và "
        "Đào tạo trực tiếp chỉ đạo)\n"
        "– Thời gian hoàn thành: Quý IV/2026\n"
    )
    tasks = read(text).tasks
    assert len(tasks) == 2
    first, second = tasks
    assert first.content == "Triển khai bệnh án điện tử tại các bệnh viện tuyến tỉnh."
    assert [f.value for f in first.leads] == ["Đảng ủy Bộ Y tế"]
    assert [f.value for f in first.coordinators] == ["Đảng ủy Bộ Tài chính"]
    assert first.due == date(2026, 9, 30)
    # a block without a content line is its title; the minister directing it is its member
    assert second.content.startswith("Đào tạo nhân lực y tế số")
    assert [f.value for f in second.members] == ["Nguyễn Kim Sơn"]


def test_ocr_confusions_are_undone_only_where_no_vietnamese_word_holds_them():
    text = normalise(
        "l. Ðánh giá chung\nHoàn thành truớc ngày 3l/8/2026 trong quý IIl/2026, giảrn "
        "thời gian, nhiệrn vụ trọng târn; hệ thống modern Internet.\n"
    ).text
    assert text.startswith("1. Đánh giá chung")
    assert "3l" not in text and "31/8/2026" in text and "quý III/2026" in text
    assert "giảm thời gian, nhiệm vụ trọng tâm" in text
    assert "modern Internet" in text  # no marked vowel before "rn": a foreign word


def test_a_point_the_ocr_ran_into_the_end_of_the_point_before_is_its_own_task():
    text = NOTICE + (
        "4. Đối với các đơn vị\n"
        "4.1. Bộ Y tế hướng dẫn các tỉnh số hóa hồ sơ, hoàn thành\n"
        "trước ngày 15/9/2026. 4.2. Bộ Tài chính bố trí kinh phí\n"
        "thực hiện trong năm 2026.\n"
    )
    tasks = by_key(read(text))
    assert tasks["4.1"].due == date(2026, 9, 15)
    assert [f.value for f in tasks["4.2"].leads] == ["Đảng ủy Bộ Tài chính"]


def test_an_answer_to_a_proposal_is_read_after_its_topic():
    text = NOTICE + (
        "2. Về các kiến nghị\n"
        "a) Về đề nghị hỗ trợ kinh phí số hóa: đề nghị Bộ Tài chính xem xét, bố trí trong "
        "dự toán năm 2026.\n"
    )
    task = read(text).tasks[0]
    assert [f.value for f in task.leads] == ["Đảng ủy Bộ Tài chính"]
    assert not task.content.startswith("Về đề nghị")


def test_a_partner_before_and_the_related_bodies_is_still_named():
    text = HEALTH_PLAN + (
        "II. NHIỆM VỤ\n"
        "1. Xây dựng cơ sở dữ liệu dược quốc gia\n"
        "Cơ quan chủ trì: Bộ Y tế; Cơ quan phối hợp: Bộ Tư pháp, Bộ Công an và các bộ, cơ quan "
        "liên quan; Thời gian hoàn thành: Quý II/2026\n"
    )
    task = read(text).tasks[0]
    assert [f.value for f in task.coordinators] == [
        "Đảng ủy Bộ Tư pháp",
        "Đảng ủy Công an Trung ương",
    ]


def test_a_page_break_between_a_programme_line_and_its_parenthesis_keeps_them_together():
    text = (
        "BAN CHỈ ĐẠO TRUNG ƯƠNG\nSố 20-CTr/BCĐTW\nHà Nội, ngày 20 tháng 12 năm 2026\n\n"
        "CHƯƠNG TRÌNH\ncông tác năm 2027\n\n"
        "II. NỘI DUNG\n"
        "Quý III/2027\n"
        "- Kiểm tra việc thực hiện Nghị quyết tại Tỉnh ủy Ninh Bình\n"
        "\n"
        "Chương trình công tác năm 2027 của Ban Chỉ đạo\n"
        "2\n"
        "\n"
        "(Ban Tổ chức Trung ương chủ trì, phối hợp Cơ quan thường trực)\n"
        "- Hội nghị sơ kết 9 tháng (Cơ quan thường trực chuẩn bị)\n"
    )
    reading = read(text)
    assert "Chương trình công tác năm 2027 của Ban Chỉ đạo" not in reading.text
    inspection = reading.tasks[0]
    assert [f.value for f in inspection.leads] == ["Ban Tổ chức Trung ương"]
    assert inspection.due == date(2027, 9, 30)
    assert len(reading.tasks) == 2


def test_a_request_to_carry_out_the_items_after_it_is_no_task_of_its_own():
    text = NOTICE + (
        "3. Nhiệm vụ thời gian tới\n"
        "Đề nghị Ủy ban nhân dân tỉnh Ninh Bình tập trung chỉ đạo thực hiện tốt các nhiệm vụ "
        "sau:\n"
        "3.1. Hoàn thành kết nối dữ liệu dân cư trong quý III/2026.\n"
        "3.2. Bố trí kinh phí cho chuyển đổi số trong năm 2026.\n"
    )
    tasks = read(text).tasks
    assert [t.key for t in tasks] == ["3.1", "3.2"]
    assert all(t.parent_key is None for t in tasks)
    assert [f.value for f in tasks[0].leads] == ["Tỉnh ủy Ninh Bình"]


def test_a_party_committees_office_given_work_is_that_committee():
    text = (
        "ĐẢNG BỘ CHÍNH PHỦ\nBAN THƯỜNG VỤ ĐẢNG ỦY\nSố 50-KH/ĐU\nHà Nội, ngày 10 tháng 02 năm "
        "2027\n\nKẾ HOẠCH\nthực hiện Nghị quyết\n\n"
        "IV. TỔ CHỨC THỰC HIỆN\n"
        "1. Giao Văn phòng Đảng ủy Chính phủ chủ trì, phối hợp với Đảng ủy Bộ Nội vụ theo dõi, "
        "đôn đốc việc thực hiện Kế hoạch, báo cáo trong tháng 12/2027.\n"
    )
    task = read(text).tasks[0]
    assert [f.value for f in task.leads] == ["Đảng ủy Chính phủ"]
    assert [f.value for f in task.coordinators] == ["Đảng ủy Bộ Nội vụ"]


MEMBER_PARAGRAPHS = (
    "BAN CHỈ ĐẠO TRUNG ƯƠNG\nSố 40-TB/BCĐTW\nHà Nội, ngày 10 tháng 11 năm 2026\n\n"
    "THÔNG BÁO\nkết luận của Ban Chỉ đạo\n\n"
)


def test_each_assignment_of_a_members_paragraph_is_its_own_task():
    text = MEMBER_PARAGRAPHS + (
        "Đồng chí Nguyễn Mạnh Hùng, Bộ trưởng Bộ Khoa học và Công nghệ chỉ đạo ban hành "
        "hướng dẫn đánh giá hạ tầng số trong quý I/2027; chủ trì, phối hợp với Bộ Công an "
        "xây dựng cơ sở dữ liệu về tài sản trí tuệ trước ngày 30/6/2027; đồng thời giao Bộ "
        "Tài chính bố trí kinh phí cho các đề án trong năm 2027.\n"
    )
    tasks = read(text).tasks
    assert [t.content[:12] for t in tasks] == ["Ban hành hướ", "Chủ trì, phố", "Bố trí kinh "]
    assert all([f.value for f in t.members] == ["Nguyễn Mạnh Hùng"] for t in tasks)
    assert [t.due for t in tasks] == [date(2027, 3, 31), date(2027, 6, 30), date(2027, 12, 31)]
    assert [f.value for f in tasks[1].coordinators] == ["Đảng ủy Công an Trung ương"]
    # the work handed on ("đồng thời giao Bộ Tài chính …") is led by the body handed it
    assert [f.value for f in tasks[2].leads] == ["Đảng ủy Bộ Tài chính"]
    assert [f.value for f in tasks[0].leads] == ["Đảng ủy Bộ Khoa học và Công nghệ"]


def test_bodies_named_after_dong_thoi_in_a_collective_paragraph_lead_their_work():
    text = MEMBER_PARAGRAPHS + (
        "Ban Thường vụ các tỉnh ủy, thành ủy chỉ đạo rà soát các thủ tục hành chính trên môi "
        "trường số trong quý I/2027; đồng thời Thành ủy Hà Nội và Thành ủy Đà Nẵng thí điểm "
        "trợ lý ảo cho cán bộ cấp xã trong quý III/2027.\n"
    )
    tasks = read(text).tasks
    assert len(tasks) == 2
    assert [f.value for f in tasks[1].leads] == ["Thành ủy Hà Nội", "Thành ủy Đà Nẵng"]
    assert tasks[1].content.startswith("Thí điểm trợ lý ảo")


def test_an_article_quoting_a_notice_dates_it_by_the_notice_not_the_meeting():
    text = (
        "Trang chủ › Thời sự\n"
        "(PV) - Văn phòng Trung ương Đảng vừa ban hành Thông báo số 41-TB/BCĐTW ngày "
        "20/11/2026 kết luận của Ban Chỉ đạo.\n"
        "Quang cảnh phiên họp, Hà Nội, ngày 15/11/2026. (Ảnh: TTXVN)\n"
        "Đồng chí Nguyễn Mạnh Hùng, Bộ trưởng Bộ Khoa học và Công nghệ chỉ đạo ban hành "
        "hướng dẫn đánh giá hạ tầng số trong thời hạn 30 ngày kể từ ngày ký Thông báo này.\n"
    )
    reading = read(text)
    assert reading.header.date == date(2026, 11, 20)
    assert date(2026, 12, 20) in [t.due for t in reading.tasks]


def test_a_news_portals_related_links_captions_and_keywords_are_no_text():
    text = (
        "Trang chủ › Thời sự\n"
        "(PV) - Văn phòng Trung ương Đảng vừa ban hành Thông báo số 41-TB/BCĐTW ngày "
        "20/11/2026 kết luận của Ban Chỉ đạo.\n"
        "Các đại biểu dự phiên họp tại Hà Nội. (Ảnh: TTXVN)\n"
        "Đồng chí Nguyễn Mạnh Hùng, Bộ trưởng Bộ Khoa học và Công nghệ chỉ đạo ban hành "
        "hướng dẫn đánh giá hạ tầng số trong quý I/2027.\n"
        "Tin liên quan\n"
        "Bộ trưởng Nguyễn Mạnh Hùng: Hạ tầng số phải đi trước một bước\n"
        "Công bố kết quả đánh giá chuyển đổi số năm 2026\n"
        "Đồng chí Nguyễn Kim Sơn, Bộ trưởng Bộ Giáo dục và Đào tạo chỉ đạo xây dựng đề án "
        "đào tạo nhân lực vi mạch trong quý II/2027.\n"
        "Từ khóa:   chuyển đổi số   Ban Chỉ đạo\n"
        "Bình luận (0)\n"
        "Bản quyền thuộc Báo điện tử Đảng Cộng sản Việt Nam\n"
    )
    reading = read(text)
    for noise in ("Tin liên quan", "đi trước một bước", "Công bố kết quả", "Ảnh:", "Từ khóa"):
        assert noise not in reading.text
    assert "Bản quyền" not in reading.text
    assert "đào tạo nhân lực vi mạch" in reading.text


def test_a_sentence_announcing_the_paragraphs_after_it_is_no_task():
    text = MEMBER_PARAGRAPHS + (
        "Về nhiệm vụ thời gian tới, Ban Chỉ đạo yêu cầu các đồng chí thành viên tập trung "
        "chỉ đạo quyết liệt, cụ thể như sau:\n"
        "Đồng chí Nguyễn Mạnh Hùng, Bộ trưởng Bộ Khoa học và Công nghệ chỉ đạo ban hành "
        "hướng dẫn đánh giá hạ tầng số trong quý I/2027; đồng thời giao Bộ Tài chính bố trí "
        "kinh phí cho các đề án trong năm 2027.\n"
    )
    tasks = read(text).tasks
    assert not any("như sau" in t.content for t in tasks)
    assert [t.due for t in tasks] == [date(2027, 3, 31), date(2027, 12, 31)]


def test_a_time_before_the_next_meeting_or_a_lunar_holiday_keeps_its_words_without_a_day():
    text = MEMBER_PARAGRAPHS + (
        "Đồng chí Nguyễn Mạnh Hùng, Bộ trưởng Bộ Khoa học và Công nghệ chỉ đạo ban hành "
        "hướng dẫn đánh giá hạ tầng số trước phiên họp tiếp theo của Ban Chỉ đạo; đồng thời "
        "chủ trì tổ chức diễn tập an toàn thông tin trước Tết Nguyên đán Bính Ngọ 2026.\n"
    )
    tasks = read(text).tasks
    assert [t.deadline.value for t in tasks] == [
        "Trước phiên họp tiếp theo của Ban Chỉ đạo",
        "Trước Tết Nguyên đán Bính Ngọ 2026",
    ]
    assert [t.due for t in tasks] == [None, None]


MINISTRY_LETTER = (
    "BỘ NỘI VỤ          CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
    "Số: 812/BNV-CCVC\nHà Nội, ngày 05 tháng 9 năm 2026\n\n"
    "Kính gửi: Bộ Khoa học và Công nghệ.\n\n"
    "Bộ Nội vụ có ý kiến về dự thảo Thông tư như sau:\n"
)


def test_comments_on_a_drafts_articles_are_no_tasks():
    text = MINISTRY_LETTER + (
        "1. Ý kiến cụ thể\n"
        "a) Tại khoản 3 Điều 7: đề nghị cơ quan soạn thảo làm rõ khái niệm chuyên gia.\n"
        "b) Điều 12 của dự thảo: đề nghị bổ sung quy định về thời gian thử việc.\n"
        "2. Về tổ chức thực hiện\n"
        "Đề nghị Bộ Khoa học và Công nghệ hoàn thiện dự thảo, trình ban hành trong quý IV/2026.\n"
    )
    tasks = read(text).tasks
    assert not any("Điều" in t.content[:20] for t in tasks)
    assert [t.due for t in tasks] == [date(2026, 12, 31)]


def test_each_work_of_a_thu_nhat_paragraph_with_its_own_time_is_a_task():
    text = MINISTRY_LETTER + (
        "Bộ Nội vụ đề nghị các cơ quan và giao các đơn vị thuộc Bộ thực hiện một số nội dung sau:\n"
        "Thứ nhất, đề nghị Bộ Khoa học và Công nghệ hoàn thiện dự thảo, trình Bộ trưởng trong "
        "quý IV/2026; đồng thời chủ trì, phối hợp với Bộ GD&ĐT xây dựng cơ sở dữ liệu chuyên "
        "gia trước ngày 31/3/2027.\n"
        "Thứ hai, giao Vụ Công chức - Viên chức rà soát quy chế tuyển dụng trong thời hạn 30 "
        "ngày kể từ ngày Thông tư có hiệu lực thi hành; giao Văn phòng Bộ cập nhật cổng thông "
        "tin, hoàn thành trong quý I/2027.\n"
    )
    tasks = read(text).tasks
    assert [t.content[:9] for t in tasks] == ["Hoàn thiệ", "Chủ trì, ", "Vụ Công c", "Văn phòng"]
    assert [t.due for t in tasks] == [
        date(2026, 12, 31),
        date(2027, 3, 31),
        None,
        date(2027, 3, 31),
    ]
    assert tasks[2].deadline.value == (
        "Trong thời hạn 30 ngày kể từ ngày Thông tư có hiệu lực thi hành"
    )
    assert all(t.confidence >= 0.5 for t in tasks)


def test_a_short_name_written_without_its_ampersand_is_the_same_body():
    text = MINISTRY_LETTER + (
        "Đề nghị Bộ Khoa học và Công nghệ chủ trì, phối hợp với Bộ GDĐT xây dựng cơ sở dữ "
        "liệu chuyên gia trước ngày 31/3/2027.\n"
    )
    task = read(text).tasks[0]
    assert [f.value for f in task.coordinators] == ["Đảng ủy Bộ Giáo dục và Đào tạo"]


def test_a_letters_closing_formula_is_no_task():
    text = MINISTRY_LETTER + (
        "Đề nghị Bộ Khoa học và Công nghệ hoàn thiện dự thảo, trình ban hành trong quý IV/2026.\n"
        "Trên đây là ý kiến của Bộ Nội vụ, gửi Bộ Khoa học và Công nghệ tổng hợp, hoàn thiện "
        "dự thảo Thông tư./.\n"
    )
    tasks = read(text).tasks
    assert len(tasks) == 1


def test_items_after_a_top_level_lead_in_paragraph_with_no_part_above_it_are_read():
    # a member's lead-in at the top level (no numbered part above it) over its items: the
    # items have no parent part, which once made the reader fail and propose nothing
    text = NOTICE + (
        "Ngày 10/11/2025, Ban Chỉ đạo họp và kết luận như sau:\n"
        "Đồng chí Bộ trưởng Bộ Công an chỉ đạo:\n"
        "- Hoàn thành kết nối dữ liệu dân cư trong quý I/2026.\n"
        "- Ban hành bộ chỉ số chuyển đổi số trong quý II/2026.\n"
    )
    tasks = read(text).tasks
    assert date(2026, 3, 31) in [t.due for t in tasks]
    assert date(2026, 6, 30) in [t.due for t in tasks]


def test_a_task_list_exported_as_csv_with_quoted_multi_line_cells_is_read_as_a_table():
    text = (
        "DANH MỤC NHIỆM VỤ (Kèm theo Thông báo số 70-TB/BCĐTW ngày 03/03/2027);;;;\n"
        "STT;Nội dung nhiệm vụ;Cơ quan chủ trì;Cơ quan phối hợp;Thời hạn\n"
        "I;Thể chế\n"
        '1;"Ban hành Thông tư về định mức kinh tế - kỹ thuật\n'
        'cho dịch vụ dữ liệu; hướng dẫn áp dụng";Bộ Tài chính;'
        '"Bộ Nội vụ; Bộ Công an";Quý III/2027;;;\n'
        'II;"Phong trào ""Học tập số"""\n'
        '2;"Tổ chức phong trào ""Học tập số"" tại các trường học";'
        "Bộ Giáo dục và Đào tạo;Bộ Nội vụ;30/9/2027\n"
        ";;;;\n"
    )
    tasks = read(text).tasks
    assert len(tasks) == 2
    assert tasks[0].content.startswith("Ban hành Thông tư về định mức kinh tế - kỹ thuật cho")
    assert "hướng dẫn áp dụng" in tasks[0].content
    assert [f.value for f in tasks[0].leads] == ["Đảng ủy Bộ Tài chính"]
    assert [f.value for f in tasks[0].coordinators] == [
        "Đảng ủy Bộ Nội vụ",
        "Đảng ủy Công an Trung ương",
    ]
    assert tasks[0].due == date(2027, 9, 30)
    assert '"Học tập số"' in tasks[1].content
    assert tasks[1].due == date(2027, 9, 30)


JOINT_DECISION = (
    "BỘ GIÁO DỤC VÀ ĐÀO TẠO - ỦY BAN NHÂN DÂN TỈNH NGHỆ AN\n"
    "Số: 310/QĐ-BGDĐT-UBND\nHà Nội, ngày 05 tháng 10 năm 2026\n"
    "QUYẾT ĐỊNH\nBan hành Quy chế phối hợp\nQUY CHẾ\n"
)


def test_an_article_on_a_bodys_responsibilities_gives_each_clause_its_lead():
    text = JOINT_DECISION + (
        "Điều 4. Trách nhiệm của Bộ Giáo dục và Đào tạo\n"
        "1. Hướng dẫn Tỉnh xây dựng chương trình giáo dục STEM, hoàn thành trong quý I/2027.\n"
        "2. Chủ trì, phối hợp với Ủy ban nhân dân tỉnh Nghệ An tổ chức hội thảo về "
        "giáo dục số trong quý II/2027.\n"
        "Điều 5. Trách nhiệm của Ủy ban nhân dân tỉnh Nghệ An\n"
        "1. Ban hành kế hoạch triển khai chương trình giáo dục STEM trong quý II/2027.\n"
    )
    tasks = read(text).tasks
    assert [[f.value for f in t.leads] for t in tasks] == [
        ["Đảng ủy Bộ Giáo dục và Đào tạo"],
        ["Đảng ủy Bộ Giáo dục và Đào tạo"],
        ["Tỉnh ủy Nghệ An"],
    ]
    # the province of a joint document is the partner of the ministry's clause
    assert [f.value for f in tasks[1].coordinators] == ["Tỉnh ủy Nghệ An"]
    assert tasks[2].coordinators == []


SECRETARIAT = (
    "BAN CHẤP HÀNH TRUNG ƯƠNG\nSố 60-CT/TW\nHà Nội, ngày 02 tháng 02 năm 2027\n\n"
    "CHỈ THỊ\nCỦA BAN BÍ THƯ\nvề chuyển đổi số trong công tác đảng\n\n"
)


def test_ordinal_paragraphs_after_a_call_for_the_following_tasks_are_read_as_work():
    # "Một là, …" paragraphs after "… thực hiện tốt các nhiệm vụ sau:": an orientation then
    # sentences giving work to named bodies; the call ends the recital
    text = SECRETARIAT + (
        "Thời gian qua, 30/34 tỉnh đã số hóa hồ sơ đảng viên. Tuy nhiên, kết quả chưa đồng "
        "đều.\n"
        "Ban Bí thư yêu cầu các cấp ủy, tổ chức đảng thực hiện tốt các nhiệm vụ sau:\n"
        "Một là, nâng cao nhận thức về chuyển đổi số, coi đây là nhiệm vụ thường xuyên. "
        "Ban Tổ chức Trung ương chủ trì, phối hợp với Văn phòng Trung ương Đảng xây dựng "
        "quy trình số hóa hồ sơ đảng viên trong quý II/2027.\n"
        "Hai là, bảo đảm nguồn lực cho chuyển đổi số. Đảng ủy Bộ Tài chính hướng dẫn bố trí "
        "kinh phí số hóa trước ngày 30/9/2027.\n"
        "Ba là, tăng cường kiểm tra, giám sát.\n"
    )
    tasks = [t for t in read(text).tasks if t.confidence >= 0.5]
    assert [[f.value for f in t.leads] for t in tasks] == [
        ["Ban Tổ chức Trung ương"],
        ["Đảng ủy Bộ Tài chính"],
    ]
    assert [t.due for t in tasks] == [date(2027, 6, 30), date(2027, 9, 30)]


def test_a_regulations_duties_without_work_and_its_contact_points_are_no_tasks():
    text = JOINT_DECISION + (
        "Điều 3. Đầu mối phối hợp\n"
        "1. Bộ giao Vụ Giáo dục đại học là đầu mối phối hợp của Bộ.\n"
        "Điều 4. Trách nhiệm của Bộ Giáo dục và Đào tạo\n"
        "1. Tạo điều kiện để Tỉnh tham gia các chương trình hợp tác quốc tế về giáo dục.\n"
        "2. Cung cấp tài liệu hướng dẫn chuyên môn cho Tỉnh khi có yêu cầu.\n"
        "3. Tổ chức tập huấn giáo viên về giáo dục số trong quý III/2027.\n"
    )
    tasks = [t for t in read(text).tasks if t.confidence >= 0.5]
    assert [t.content for t in tasks] == [
        "Tổ chức tập huấn giáo viên về giáo dục số trong quý III/2027."
    ]


def test_a_time_wrapped_after_the_verb_sign_keeps_its_object_on_the_next_line():
    text = JOINT_DECISION + (
        "Điều 5. Trách nhiệm của Ủy ban nhân dân tỉnh Nghệ An\n"
        "1. Ban hành kế hoạch triển khai chương trình trong thời hạn 30 ngày kể từ ngày ký\n"
        "Quyết định ban hành Quy chế.\n"
    )
    tasks = [t for t in read(text).tasks if t.confidence >= 0.5]
    assert len(tasks) == 1
    assert "kể từ ngày ký Quyết định" in tasks[0].deadline.value
    assert tasks[0].due == date(2026, 11, 4)


def test_the_two_parties_of_a_joint_document_by_their_short_names_lead_together():
    text = JOINT_DECISION + (
        "Điều 6. Chế độ hội nghị\n"
        "1. Hai bên trao đổi thông tin qua hệ thống văn bản điện tử.\n"
        "2. Bộ và Tỉnh tổ chức hội nghị đánh giá kết quả phối hợp trong quý IV/2027.\n"
    )
    tasks = [t for t in read(text).tasks if t.confidence >= 0.5]
    assert len(tasks) == 1
    assert sorted(f.value for f in tasks[0].leads) == [
        "Tỉnh ủy Nghệ An",
        "Đảng ủy Bộ Giáo dục và Đào tạo",
    ]


def test_a_notice_of_member_paragraphs_alone_proposes_each_members_work():
    text = NOTICE + (
        "Đồng chí Nguyễn Văn Thắng, Bộ trưởng Bộ Tài chính: chỉ đạo hoàn thiện Nghị định về "
        "quỹ đầu tư mạo hiểm trong quý I/2026.\n"
        "Đồng chí Lương Tam Quang, Bộ trưởng Bộ Công an: chỉ đạo hoàn thành kết nối dữ liệu "
        "dân cư trong quý II/2026.\n"
    )
    tasks = [t for t in read(text).tasks if t.confidence >= 0.5]
    assert [[f.value for f in t.members] for t in tasks] == [
        ["Nguyễn Văn Thắng"],
        ["Lương Tam Quang"],
    ]
    assert [t.due for t in tasks] == [date(2026, 3, 31), date(2026, 6, 30)]


def test_a_call_right_under_the_title_is_body_not_title():
    # the call follows the title with no empty line; the first paragraph after it is work
    text = SECRETARIAT.rstrip("\n") + (
        "\nBan Bí thư yêu cầu các cấp ủy thực hiện tốt các nhiệm vụ sau:\n"
        "Một là, Ban Tổ chức Trung ương xây dựng quy trình số hóa hồ sơ đảng viên "
        "trong quý II/2027.\n"
        "Hai là, Đảng ủy Bộ Tài chính hướng dẫn bố trí kinh phí trước ngày 30/9/2027.\n"
    )
    tasks = [t for t in read(text).tasks if t.confidence >= 0.5]
    assert [t.due for t in tasks] == [date(2027, 6, 30), date(2027, 9, 30)]


def test_a_month_of_every_year_is_a_recurring_time_without_a_day():
    text = JOINT_DECISION + (
        "Điều 6. Chế độ hội nghị\n"
        "1. Bộ và Tỉnh tổ chức hội nghị sơ kết vào tháng 11 hằng năm, luân phiên chủ trì.\n"
    )
    task = read(text).tasks[0]
    assert task.deadline.value == "Vào tháng 11 hằng năm"
    assert task.due is None


# A table whose cells keep their line breaks, task slips, a chat export (twenty-first set)


MEMBER_TABLE = NOTICE + (
    "3. Phân công nhiệm vụ\n"
    "TT\tĐồng chí phụ trách\tNhiệm vụ\tCơ quan tham mưu\tThời hạn\n"
    "1\tĐồng chí Nguyễn Văn Thắng, Bộ trưởng Bộ Tài chính\t+ Trình Chính phủ phương án điều "
    "chỉnh dự toán chi khoa học.\n"
    "+ Hướng dẫn cơ chế khoán chi đến sản phẩm cuối cùng.\tBộ Tài chính\tTháng 5/2026\n"
    "Quý III/2026\n"
    "2\tĐồng chí Nguyễn Kim Sơn, Bộ trưởng Bộ Giáo dục và Đào tạo\t- Ban hành chuẩn năng lực "
    "số cho học sinh.\n"
    "\n"
    "- Xây dựng cơ chế thu hút giảng viên người Việt Nam ở nước ngoài.\t- Bộ GD&ĐT\n"
    "- Bộ GD&ĐT; Bộ Nội vụ\t- Tháng 6/2026\n"
    "- Quý IV/2026\n"
    "\n"
    "4. Tổ chức thực hiện\n"
)


def test_a_table_cell_of_bullets_gives_a_task_a_bullet_with_the_nth_line_of_later_cells():
    tasks = [t for t in read(MEMBER_TABLE).tasks if t.confidence >= 0.5]
    assert [t.content for t in tasks] == [
        "Trình Chính phủ phương án điều chỉnh dự toán chi khoa học.",
        "Hướng dẫn cơ chế khoán chi đến sản phẩm cuối cùng.",
        "Ban hành chuẩn năng lực số cho học sinh.",
        "Xây dựng cơ chế thu hút giảng viên người Việt Nam ở nước ngoài.",
    ]
    assert [t.due for t in tasks] == [
        date(2026, 5, 31),
        date(2026, 9, 30),
        date(2026, 6, 30),
        date(2026, 12, 31),
    ]
    assert [[f.value for f in t.members] for t in tasks] == [["Nguyễn Văn Thắng"]] * 2 + [
        ["Nguyễn Kim Sơn"]
    ] * 2
    assert [sorted(f.value for f in t.leads) for t in tasks][2:] == [
        ["Đảng ủy Bộ Giáo dục và Đào tạo"],
        ["Đảng ủy Bộ Giáo dục và Đào tạo", "Đảng ủy Bộ Nội vụ"],
    ]


def _slip(number, day, lead, partners, content, deadline, extra=""):
    return (
        "HỆ THỐNG QUẢN LÝ VĂN BẢN - VĂN PHÒNG TRUNG ƯƠNG ĐẢNG\tIn lúc: 16/11/2026 17:05\n"
        "VĂN PHÒNG TRUNG ƯƠNG ĐẢNG\tĐẢNG CỘNG SẢN VIỆT NAM\n"
        "PHIẾU GIAO VIỆC\n"
        f"Số: {number}/PGV-VPTW\tNgày giao: {day}\n"
        "Độ khẩn:\t☐ Khẩn  ☒ Thường\n"
        f"Người giao:\tĐ/c Phó Chánh Văn phòng\n{extra}"
        f"Đơn vị chủ trì:\t{lead}\nĐơn vị phối hợp:\t{partners}\n"
        f"Nội dung công việc:\n{content}\nHạn xử lý:\t{deadline}\n"
        "Yêu cầu sản phẩm:\tBáo cáo\n\t\t\tNGƯỜI GIAO VIỆC\n\t\t\t(Đã ký số)\nTrang 1/1\n"
    )


SLIPS = (
    _slip(
        412,
        "09/11/2026",
        "Vụ Tổng hợp",
        "Tổ giúp việc BCĐ TW",
        "Tổng hợp báo cáo kết quả thực hiện Nghị quyết tháng 11/2026 của các bộ, ngành.",
        "03 ngày làm việc",
    )
    + "\f"
    + _slip(
        414,
        "13/11/2026",
        "Đảng ủy Bộ Giáo dục và Đào tạo",
        "Bộ KH&CN, Bộ Tài chính",
        "1. Gửi đề cương Đề án đào tạo nhân lực ngành công nghiệp bán dẫn.\n"
        "2. Báo cáo tiến độ triển khai phong trào trong các cơ sở giáo dục đại học,\n"
        "giáo dục nghề nghiệp.",
        "(1) 30/11/2026; (2) 15/12/2026",
    )
    + "=" * 40
    + "\n"
    + _slip(
        415,
        "13/11/2026",
        "Vụ Tổng hợp",
        "",
        "Chuẩn bị tài liệu phục vụ Phiên họp thứ mười một.",
        "03 ngày làm việc kể từ ngày nhận được phiếu",
        extra="Trạng thái:\tĐÃ THU HỒI\n",
    )
    + "\f"
    + _slip(
        416,
        "13/11/2026",
        "Ban Tổ chức Trung ương",
        "Bộ Nội vụ",
        "Cho ý kiến đối với dự thảo Đề án cơ chế đãi ngộ chuyên gia, gửi Cơ quan thường trực.",
        "03 ngày làm việc kể từ ngày nhận được phiếu",
    )
)


def test_task_slips_of_labelled_lines_give_a_task_a_work_with_the_slips_fields():
    reading = read(SLIPS)
    assert reading.header.date == date(2026, 11, 9)
    tasks = [t for t in reading.tasks if t.confidence >= 0.5]
    assert [t.content[:20] for t in tasks] == [
        "Tổng hợp báo cáo kết",
        "Gửi đề cương Đề án đ",
        "Báo cáo tiến độ triể",
        "Cho ý kiến đối với d",
    ]
    assert tasks[2].content.endswith("giáo dục đại học, giáo dục nghề nghiệp.")
    # working days counted from each slip's own date; one time a work where the field says so
    assert [t.due for t in tasks] == [
        date(2026, 11, 12),
        date(2026, 11, 30),
        date(2026, 12, 15),
        date(2026, 11, 18),
    ]
    # the Office's own department is the Office; partners by their short names
    assert [f.value for f in tasks[0].leads] == [
        "Văn phòng Trung ương Đảng – Cơ quan thường trực Ban Chỉ đạo"
    ]
    assert [f.value for f in tasks[0].coordinators] == ["Tổ giúp việc Ban Chỉ đạo Trung ương"]
    assert sorted(f.value for f in tasks[1].coordinators) == [
        "Đảng ủy Bộ Khoa học và Công nghệ",
        "Đảng ủy Bộ Tài chính",
    ]


def test_a_slip_for_information_only_gives_no_task():
    slip = _slip(
        419,
        "12/11/2026",
        "Vụ Tổng hợp",
        "",
        "Văn bản số 2215/BKHCN-KHTC của Bộ Khoa học và Công nghệ báo cáo tiến độ. Chuyển Vụ "
        "Tổng hợp để biết.",
        "Không",
        extra="Hình thức xử lý:\t☒ Để biết  ☐ Để xử lý\n",
    )
    tasks = [t for t in read(SLIPS + "\f" + slip).tasks if t.confidence >= 0.5]
    assert len(tasks) == 4


CHAT = (
    "Lịch sử trò chuyện nhóm: TỔ CÔNG TÁC - ĐẦU MỐI CÁC BỘ\nXuất lúc: 09/11/2026 17:31\n\n"
    "[07:50, 05/11/2026] Đầu mối Bộ TC: Đã nhận\n"
    "[07:51, 05/11/2026] Đầu mối Bộ KHCN: [Nhãn dán]\n"
    "[16:47, 05/11/2026] Trực VP – Văn phòng: Em xin truyền đạt ý kiến chỉ đạo tại cuộc họp:\n"
    "1. Anh Chính chỉ đạo: Bộ TC chủ trì, phối hợp Bộ KHCN rà soát nhu cầu vốn đầu tư hạ tầng "
    "số, báo cáo Thường trực BCĐ trước 15/11.\n"
    "2. Đề nghị anh Hùng trực tiếp chỉ đạo Bộ KHCN hoàn thiện dự thảo Nghị định về thử "
    "nghiệm có kiểm soát, trình Chính phủ trước 13/11.\n"
    "3. UBND TP Hà Nội và UBND TP HCM báo cáo kết quả thí điểm trợ lý ảo, gửi CQTT trước 20/11.\n"
    "[16:52, 05/11/2026] Trực VP – Văn phòng: Đề nghị Bộ TC gửi số liệu giải ngân vốn về VP "
    "trước 17h thứ Sáu tuần này ạ.\n"
    "[16:58, 05/11/2026] Đầu mối UBND HN: Dạ HN đã nhận ạ 👍\n"
    "[21:14, 05/11/2026] Trực VP – Văn phòng: Em đính chính: hạn mục 3 là trước 25/11 chứ "
    "không phải 20/11 ạ.\n"
    "[09:41, 06/11/2026] Trực VP – Văn phòng: anh Chính đồng ý cho Bộ KHCN lùi hạn mục 2 đến "
    "20/11.\n"
    "[10:05, 06/11/2026] Trực VP – Văn phòng: Đề nghị Bộ NV cử 01 đồng chí lãnh đạo Vụ dự họp "
    "Tổ biên tập lúc 8h30 thứ Hai (09/11).\n"
    "[10:20, 06/11/2026] Đầu mối Bộ NV: Dạ Bộ NV cử đồng chí Phó Vụ trưởng Vụ Tổ chức cán bộ "
    "tham gia ạ\n"
    "[14:35, 06/11/2026] Trực VP – Văn phòng: Đề nghị các bộ gửi báo cáo tháng 11 theo mẫu số 2 "
    "về VP trước 17h ngày 12/11.\n"
    "[08:05, 09/11/2026] Trực VP – Văn phòng: Nhắc các bộ: hạn báo cáo mẫu số 2 là 17h ngày "
    "12/11 ạ\n"
)


def test_a_chat_export_reads_the_messages_without_their_prefix_and_noise():
    reading = read(CHAT)
    assert reading.header.date == date(2026, 11, 5)
    assert "[07:5" not in reading.text and "Nhãn dán" not in reading.text
    assert "đã nhận" not in reading.text and "👍" not in reading.text
    tasks = [t for t in reading.tasks if t.confidence >= 0.5]
    assert [t.content[:12] for t in tasks] == [
        "Anh Chính ch",
        "Chỉ đạo Bộ K",
        "UBND TP Hà N",
        "Đề nghị Bộ T",
        "Báo cáo thán",
    ]


def test_a_chat_reads_abbreviated_names_and_the_leader_relayed_is_no_member():
    tasks = [t for t in read(CHAT).tasks if t.confidence >= 0.5]
    assert [f.value for f in tasks[0].leads] == ["Đảng ủy Bộ Tài chính"]
    assert [f.value for f in tasks[0].coordinators] == ["Đảng ủy Bộ Khoa học và Công nghệ"]
    assert tasks[0].members == []
    assert [f.value for f in tasks[1].members] == ["Nguyễn Mạnh Hùng"]
    assert [f.value for f in tasks[2].leads] == [
        "Thành ủy Hà Nội",
        "Thành ủy Thành phố Hồ Chí Minh",
    ]
    assert [f.value for f in tasks[4].leads] == ["Các bộ, ngành"]


def test_a_chat_applies_a_correction_and_a_granted_postponement_to_the_item_they_name():
    tasks = [t for t in read(CHAT).tasks if t.confidence >= 0.5]
    # a day without its year in the document's year; "thứ Sáu tuần này" from Thursday 05/11
    assert [t.due for t in tasks] == [
        date(2026, 11, 15),
        date(2026, 11, 20),
        date(2026, 11, 25),
        date(2026, 11, 6),
        date(2026, 11, 12),
    ]


def test_a_rhythm_with_its_reports_day_in_brackets_is_kept_whole():
    slip = _slip(
        421,
        "13/11/2026",
        "Vụ Tổng hợp",
        "",
        "Theo dõi, cập nhật tình hình thực hiện nhiệm vụ trên Hệ thống theo dõi, đôn đốc.",
        "Thường xuyên (báo cáo chiều thứ Sáu hằng tuần)",
    )
    task = next(t for t in read(slip).tasks if t.confidence >= 0.5)
    assert task.deadline.value == "Thường xuyên (báo cáo chiều thứ Sáu hằng tuần)"


NEW_LAYOUT_LINES = [
    *CHAT.splitlines(),
    *SLIPS.splitlines(),
    *MEMBER_TABLE.splitlines(),
    "\f",
    "=" * 30,
    "[Chuyển tiếp]",
    "Hạn xử lý:\t(1) 30/11/2026; (2)",
    "1\tĐồng chí\t+ a\t\t",
]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(NEW_LAYOUT_LINES), max_size=40))
def test_never_raises_on_pieces_of_chats_slips_and_bulleted_tables(lines):
    reading = read("\n".join(lines))
    for task in reading.tasks:
        assert 0 <= task.span[0] <= task.span[1] <= len(reading.text)


def test_a_weekday_of_this_or_next_week_is_counted_from_the_documents_date():
    text = (
        "VĂN PHÒNG TRUNG ƯƠNG ĐẢNG\nSố 12-CV/VPTW\nHà Nội, ngày 05 tháng 11 năm 2026\n\n"
        "1. Đề nghị Bộ Tài chính tổng hợp số liệu giải ngân vốn trước 17h thứ Sáu tuần này.\n"
        "2. Đề nghị Bộ Nội vụ rà soát danh sách chuyên gia trước thứ Hai tuần tới.\n"
    )
    tasks = [t for t in read(text).tasks if t.confidence >= 0.5]
    assert [t.due for t in tasks] == [date(2026, 11, 6), date(2026, 11, 9)]


def test_a_chat_counts_a_weekday_from_its_messages_own_day():
    text = CHAT + (
        "[09:00, 12/11/2026] Trực VP – Văn phòng: Đề nghị Bộ NV gửi danh sách chuyên gia về VP "
        "trước thứ Sáu tuần này.\n"
    )
    task = [t for t in read(text).tasks if t.confidence >= 0.5][-1]
    assert [f.value for f in task.leads] == ["Đảng ủy Bộ Nội vụ"]
    assert task.due == date(2026, 11, 13)


def _two_columns(left: list[str], right: list[str], gutter: int = 49) -> str:
    rows = []
    for n in range(max(len(left), len(right))):
        a = left[n] if n < len(left) else ""
        b = right[n] if n < len(right) else ""
        rows.append(f"{a:<{gutter}}{b}".rstrip() if b else a)
    return "\n".join(rows)


NEWSPAPER_LEFT = [
    "Ngày 10/2/2027, Văn phòng Trung ương Đảng ban",
    "hành Thông báo kết luận của đồng chí Trưởng",
    "Ban Chỉ đạo tại Phiên họp thứ mười một. Báo",
    "trân trọng giới thiệu toàn văn Thông báo sau",
    "đây, với các nhiệm vụ được giao cho từng cơ",
    "quan trong thời gian tới như sau đây nhé.",
    "",
    "1. Ban Tổ chức Trung ương chủ trì, phối hợp",
    "với Đảng ủy Chính phủ hướng dẫn tiêu chuẩn,",
    "chức danh cán bộ phụ trách chuyển đổi số ở",
    "cấp xã, hoàn thành trong tháng 4/2027.",
    "",
    "2. Ban Tuyên giáo và Dân vận Trung ương định",
    "hướng công tác tuyên truyền giai đoạn hai của",
]
NEWSPAPER_RIGHT = [
    "phong trào Bình dân học vụ số, thực hiện",
    "thường xuyên.",
    "",
    "3. Đồng chí Nguyễn Văn Thắng, Bộ trưởng Bộ",
    "Tài chính chỉ đạo hướng dẫn thống nhất cơ chế",
    "khoán chi đến sản phẩm cuối cùng cho các bộ,",
    "ngành, địa phương, hoàn thành trong quý",
    "I/2027.",
    "",
    "4. Hội đồng tư vấn quốc gia về phát triển khoa",
    "học, công nghệ, đổi mới sáng tạo và chuyển đổi",
    "số phối hợp với Bộ Khoa học và Công nghệ tổ",
    "chức đánh giá độc lập kết quả thực hiện Nghị",
    "quyết năm 2026, trước ngày 31/5/2027.",
]


def test_a_page_in_two_columns_is_read_column_by_column():
    page = _two_columns(NEWSPAPER_LEFT, NEWSPAPER_RIGHT)
    lines = page.splitlines()
    # a photo caption across both columns cuts the right column's item
    lines[10:10] = [
        "",
        "      Toàn cảnh Phiên họp thứ mười một của Ban Chỉ đạo. Ảnh: ĐĂNG KHOA",
        "",
    ]
    text = "NHÂN DÂN  Thứ Sáu 12-2-2027                             Số 25.012  3\n\n" + "\n".join(
        lines
    )
    reading = read(text)
    assert "định hướng công tác tuyên truyền giai đoạn hai của phong trào Bình dân" in reading.text
    assert "Ảnh:" not in reading.text and "Số 25.012" not in reading.text
    tasks = [t for t in reading.tasks if t.confidence >= 0.5]
    assert [t.leads[0].value for t in tasks] == [
        "Ban Tổ chức Trung ương",
        "Ban Tuyên giáo và Dân vận Trung ương",
        "Đảng ủy Bộ Tài chính",
        "Hội đồng tư vấn quốc gia về phát triển khoa học, công nghệ, đổi mới sáng tạo và "
        "chuyển đổi số",
    ]
    assert tasks[1].deadline.value == "Thường xuyên"
    assert tasks[2].due == date(2027, 3, 31)


def test_a_layout_table_is_not_taken_for_two_columns():
    from dondoc.reader.core.columns import two_columns

    rows = [
        f"{n}   Xây dựng cơ sở dữ liệu chuyên ngành số {n}   Sở Khoa học và Công nghệ   Quý I"
        for n in range(1, 13)
    ]
    table = _two_columns(rows, ["Sở Tài chính, Sở Nội vụ, các sở, ngành"] * 12, gutter=90)
    lines = [(line, 0) for line in table.splitlines()]
    assert two_columns(lines) == (lines, None)


TRACKED = """**II. NHIỆM VỤ CỤ THỂ**

1\\. Đảng ủy Bộ Tư pháp lãnh đạo, chỉ đạo Bộ Tư pháp rà soát các văn bản, hoàn
thành [trong quý
I/2027]{.deletion author="Admin" date="2027-01-21T08:42:00Z"}[trong
tháng 4/2027]{.insertion author="Admin" date="2027-01-21T08:42:00Z"}.

[2. Đảng ủy Bộ Xây dựng lãnh đạo, chỉ đạo Bộ Xây dựng hoàn thành cơ sở dữ
liệu nhà ở, trong năm 2027.]{.deletion author="Admin" date="2027-01-23T09:03:00Z"}

[3]{.deletion author="Admin"}[2]{.insertion author="Admin"}\\.
Đảng ủy Bộ Tài chính lãnh đạo, chỉ đạo Bộ Tài chính [Ghi rõ tỉ lệ bố
trí.]{.comment-start id="0" author="Admin" date="2027-01-22T15:10:00Z"}bố
trí đủ kinh phí[]{.comment-end id="0"}, phối hợp với [Bộ Nội
vụ]{.deletion author="Admin" date="2027-01-22T15:10:00Z"}[Bộ Khoa học và
Công nghệ]{.insertion author="Admin" date="2027-01-22T15:10:00Z"}, trước
ngày 15/3/2027.
"""


def test_tracked_changes_are_read_as_accepted_and_comments_dropped():
    reading = read("ĐẢNG BỘ CHÍNH PHỦ\nBAN THƯỜNG VỤ ĐẢNG ỦY\n\n" + TRACKED)
    assert "Xây dựng" not in reading.text and "Ghi rõ" not in reading.text
    assert "{." not in reading.text and "\\" not in reading.text and "**" not in reading.text
    tasks = [t for t in reading.tasks if t.confidence >= 0.5]
    assert [t.key for t in tasks] == ["II.1", "II.2"]
    assert tasks[0].deadline.value == "Tháng 4/2027"
    assert tasks[1].content.startswith("Đảng ủy Bộ Tài chính lãnh đạo, chỉ đạo Bộ Tài chính bố trí")
    assert [f.value for f in tasks[1].coordinators] == ["Đảng ủy Bộ Khoa học và Công nghệ"]


def test_criticmarkup_changes_are_read_as_accepted():
    from dondoc.reader.core.revisions import accepted_changes

    lines = [
        ("1. Bộ Nội vụ {--trình--}{++ban hành++} Khung năng lực số{>>xem lại<<}, trong", 0),
        ("{~~quý I~>quý II~~}/2027.", 80),
    ]
    assert [line for line, _ in accepted_changes(lines)] == [
        "1. Bộ Nội vụ ban hành Khung năng lực số, trong",
        "quý II/2027.",
    ]


TRANSCRIPT = """VĂN PHÒNG CHÍNH PHỦ

BẢN GỠ BĂNG
Phát biểu kết luận của Thủ tướng Chính phủ
(Hà Nội, chiều thứ Sáu ngày 16/10/2026)

[00:00:04] Kính thưa các đồng chí, ờ, thưa toàn thể các đồng chí.
[00:09:05] (vỗ tay)
[00:09:10] Bây giờ tôi giao việc cụ thể nhé.
[00:10:47] Hai là Bộ Tài chính, đồng chí Thắng nhé, rà soát lại số giải ngân vốn khoa học \
công nghệ của từng bộ, báo cáo Chính phủ tại phiên họp Chính phủ thường kỳ tháng mười một. \
Rồi cũng Bộ Tài chính, phối hợp với Bộ Khoa học và Công nghệ sửa ngay cái thông tư về khoán \
chi, làm trong tháng mười hai.
[00:13:41] Bốn là Bộ Giáo dục và Đào tạo chủ trì, phối hợp với Bộ Nội vụ xây dựng chương \
trình bồi dưỡng kỹ năng số, ban hành trong quý một năm hai nghìn không trăm hai mươi bảy.
[00:14:55] Năm là Bộ Nội vụ khẩn trương hướng dẫn các địa phương, à, bố trí công chức \
chuyên trách ở cấp xã, chậm nhất là thứ Sáu tuần sau phải có văn bản.
[00:19:52] Đà Nẵng thì tôi giao nghiên cứu đề xuất cơ chế đặc thù, gửi Bộ Tài chính trước \
mười lăm tháng mười một, à xin lỗi, trước mười lăm tháng mười hai, để Bộ tổng hợp trình.
[00:26:15] (vỗ tay) [kết thúc ghi âm]

Ghi chú của người gỡ băng: đoạn từ 00:03:40 đến 00:04:55 tiếng không rõ do điểm cầu Cà Mau.
"""


def test_a_spoken_transcript_is_read_as_written_text():
    reading = read(TRANSCRIPT)
    assert reading.header.date == date(2026, 10, 16)
    assert reading.header.kind == "conclusion"
    assert "[00:" not in reading.text and "vỗ tay" not in reading.text
    assert "Cà Mau" not in reading.text and ", à," not in reading.text
    tasks = [t for t in reading.tasks if t.confidence >= 0.5]
    assert [t.due for t in tasks] == [
        date(2026, 11, 30),
        date(2026, 12, 31),
        date(2027, 3, 31),
        date(2026, 10, 23),
        date(2026, 12, 15),
    ]
    # a further work of the point "cũng" of its agency keeps the minister named aside
    assert [[m.value for m in t.members] for t in tasks[:2]] == [
        ["Nguyễn Văn Thắng"],
        ["Nguyễn Văn Thắng"],
    ]
    assert [f.value for f in tasks[1].coordinators] == ["Đảng ủy Bộ Khoa học và Công nghệ"]
    assert [f.value for f in tasks[4].leads] == ["Thành ủy Đà Nẵng"]


def test_spoken_numbers_and_dates_are_written_in_figures():
    from dondoc.reader.core.speech import spoken_dates, words_to_number

    assert words_to_number("ba mươi mốt") == 31
    assert words_to_number("ba mốt") == 31
    assert words_to_number("hai nghìn không trăm hai mươi bảy") == 2027
    assert spoken_dates("trước ba mươi tháng mười một", "2026") == "trước ngày 30/11/2026"
    assert spoken_dates("trước ngày ba mốt tháng mười hai năm nay", "2026") == (
        "trước ngày 31/12/2026"
    )
    assert spoken_dates("trong quý bốn này", "2026") == "trong quý IV này"


def test_a_time_in_days_said_in_words_is_kept_as_written():
    text = (
        "VĂN PHÒNG CHÍNH PHỦ\nSố 12/TB-VPCP\nHà Nội, ngày 16 tháng 10 năm 2026\n\n"
        # a long text: deadlines are looked for near their anchors only
        + "Thời gian qua, các bộ, ngành đã đạt được nhiều kết quả quan trọng, rõ nét.\n" * 60
        + "\n1. Bộ Tư pháp thẩm định các dự thảo nghị định trong vòng mười ngày kể từ khi nhận đủ "
        "hồ sơ, không được để quá.\n"
        "2. Văn phòng Chính phủ ra thông báo kết luận hội nghị, chậm nhất thứ Ba tuần sau.\n"
    )
    tasks = [t for t in read(text).tasks if t.confidence >= 0.5]
    assert [t.leads[0].value for t in tasks] == [
        "Đảng ủy Bộ Tư pháp",
        "Đảng ủy Văn phòng Chính phủ",
    ]
    assert tasks[0].deadline.value == "Trong vòng mười ngày kể từ khi nhận đủ hồ sơ"
    assert tasks[1].due == date(2026, 10, 20)


def test_a_party_committees_own_plan_implies_no_heads_of_the_committees_under_it():
    text = (
        "ĐẢNG BỘ CHÍNH PHỦ\nBAN THƯỜNG VỤ ĐẢNG ỦY\nSố 52-KH/ĐU\n"
        "Hà Nội, ngày 25 tháng 01 năm 2027\n\nKẾ HOẠCH\nthực hiện Thông báo số 58-TB/BCĐTW\n\n"
        "II. NHIỆM VỤ CỤ THỂ\n\n"
        "1. Đảng ủy Bộ Tài chính lãnh đạo, chỉ đạo Bộ Tài chính bố trí đủ kinh phí cho khoa "
        "học, công nghệ, trước ngày 15/3/2027.\n\n"
        "III. TỔ CHỨC THỰC HIỆN\n\n"
        "1. Các đảng ủy trực thuộc căn cứ Kế hoạch này xây dựng kế hoạch của đơn vị, gửi về "
        "Đảng ủy Chính phủ trước ngày 28/02/2027.\n"
    )
    tasks = [t for t in read(text).tasks if t.confidence >= 0.5]
    assert [t.members for t in tasks] == [[], []]
    assert [[f.value for f in t.leads] for t in tasks] == [
        ["Đảng ủy Bộ Tài chính"],
        ["Các bộ, ngành"],
    ]


NEWER_LAYOUT_LINES = [
    *_two_columns(NEWSPAPER_LEFT, NEWSPAPER_RIGHT).splitlines(),
    *TRACKED.splitlines(),
    *TRANSCRIPT.splitlines(),
    "\f",
    "[a]{.insertion}[",
    "]{.deletion}",
    "{++ {-- ~> <<}",
    "  ------------------------------------------------------------------------",
    "[00:00:01] Một là, à xin lỗi, à xin lỗi,",
    "      Toàn cảnh. Ảnh: ĐĂNG KHOA",
]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(NEWER_LAYOUT_LINES), max_size=40))
def test_never_raises_on_pieces_of_columns_tracked_changes_and_transcripts(lines):
    reading = read("\n".join(lines))
    for task in reading.tasks:
        assert 0 <= task.span[0] <= task.span[1] <= len(reading.text)


def test_a_news_article_gives_the_document_it_prints_as_its_header():
    text = (
        "THỜI SỰ - CHÍNH TRỊ\n\nNgày 10/2/2027, thay mặt Ban Chỉ đạo Trung ương, Văn phòng "
        "Trung ương Đảng ban hành Thông báo số\n63-TB/BCĐTW kết luận của đồng chí Tổng Bí thư. "
        "Báo Nhân Dân trân trọng giới thiệu toàn văn Thông báo.\n\n"
        "1. Ban Tổ chức Trung ương hướng dẫn tiêu chuẩn cán bộ, hoàn thành trong tháng 4/2027.\n"
    )
    header = read(text).header
    assert (header.number, header.date, header.kind) == ("63-TB/BCĐTW", date(2027, 2, 10), "notice")
    assert header.issuer_text == "Văn phòng Trung ương Đảng"
