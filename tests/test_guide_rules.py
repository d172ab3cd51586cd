"""Issue 27: the wording rules of `guides check`, each with a file that breaks it."""

from __future__ import annotations

from pathlib import Path

from tests.test_guides import problems_in, valid_guide, with_glossary, write


def step(text: str, **more: object) -> dict[str, object]:
    return {"title": "Bước một", "text": text, **more}


def only_step(folder: Path, text: str, **more: object) -> list[str]:
    write(folder, valid_guide(steps=[step(text, **more)]))
    return problems_in(folder)


def test_editor_wording_is_refused_wherever_a_resident_reads(tmp_path: Path) -> None:
    with_glossary(tmp_path)
    write(
        tmp_path,
        valid_guide(
            summary="Tên nút chưa có  Nguồn công khai.",
            screens_note="Theo ứng dụng tháng 11/2026; chung toi chua kiểm tra hết.",
            steps=[
                step(
                    "Xem bản văn đọc được.",
                    troubleshooting=[{"problem": "Không thấy", "fix": "Chúng tôi chưa biết."}],
                )
            ],
        ),
    )
    found = problems_in(tmp_path)
    assert [p.split(": ")[1] for p in found] == [
        "summary",
        "steps[1].text",
        "steps[1].troubleshooting[1].fix",
        "screens_note",
    ], found
    assert all("is an editor's note" in p for p in found)


def test_a_1900_number_is_said_to_be_charged_in_its_sentence(tmp_path: Path) -> None:
    with_glossary(tmp_path)
    assert only_step(tmp_path, "Gọi tổng đài 1900 0368 (có tính cước). Bấm phím 4.") == []
    assert only_step(tmp_path, "Số 1900.292900 mạo danh, tốn 8.000 đồng mỗi phút.") == []
    found = only_step(tmp_path, "Có tính cước. Gọi tổng đài 1900 0368 rồi bấm phím 4.")
    assert found == [
        "sample-guide.yaml: steps[1].text: 1900 0368 is a charged number: say so in the same "
        "sentence, e.g. '(có tính cước)'"
    ]
    write(tmp_path, valid_guide(needs=["Tổng đài 1900 9068"]))
    assert [p.split(": ")[1] for p in problems_in(tmp_path)] == ["needs[1]"]


def test_a_number_called_free_must_be_a_known_free_line(tmp_path: Path) -> None:
    with_glossary(tmp_path)
    (tmp_path / "free-numbers.yaml").write_text(
        'numbers:\n  - number: "156"\n    name: "Báo cuộc gọi lừa đảo"\n'
        "    source: https://example.vn/156\n",
        encoding="utf-8",
    )
    # Dates, amounts, years and document numbers in the sentence are not numbers to call.
    fine = "Gọi 156 (miễn phí) từ 1/11/2022, năm 2026, 8.000 đồng, Nghị định 320/2026/NĐ-CP."
    assert only_step(tmp_path, fine) == []
    found = only_step(tmp_path, "Gọi 1900 1234, hoàn toàn miễn phí.")
    assert any("1900 1234 is called free ('miễn phí') but is not in" in p for p in found), found
    found = only_step(tmp_path, "Nhắn tin tới 9999, miễn phí.")
    assert found == [
        "sample-guide.yaml: steps[1].text: 9999 is called free ('miễn phí') but is not in "
        "guides/free-numbers.yaml: check it, then add it there with its source"
    ]
    (tmp_path / "free-numbers.yaml").write_text("numbers: []\n", encoding="utf-8")
    assert any(p.startswith("free-numbers.yaml: numbers:") for p in problems_in(tmp_path))


def test_the_library_free_lines_file_is_read() -> None:
    from bot.config import PROJECT_ROOT
    from bot.guides.loader import load_free_numbers

    numbers, problems = load_free_numbers(PROJECT_ROOT / "guides")
    assert problems == [] and numbers is not None
    assert {"156", "5656"} <= numbers and not any(n.startswith("1900") for n in numbers)


def test_old_administrative_levels_must_be_marked_as_old(tmp_path: Path) -> None:
    with_glossary(tmp_path)
    fine = [
        "Từ 1/7/2025 không còn cấp huyện, nên chọn cơ quan cấp xã.",
        "Gọi Thuế cơ sở (trước đây là Chi cục Thuế).",
        "Hướng dẫn cũ nhắc quận/huyện.",
        "Ai xưng «công an huyện» hay «Phòng Giáo dục quận» là giả.",
    ]
    for text in fine:
        assert only_step(tmp_path, text) == [], text
    for text, name in [
        ("Nộp ở cơ quan cấp huyện.", "cấp huyện"),
        ("Gọi Chi cục Thuế nơi bạn ở.", "chi cục thuế"),
        ("Báo Sở Thông tin và Truyền thông.", "sở thông tin và truyền thông"),
        ("Báo Cục ATTT của Bộ TT&TT.", "bộ tt&tt"),
        ("Hỏi phòng giáo dục.", "phòng giáo dục"),
    ]:
        found = only_step(tmp_path, text)
        assert any(f"'{name}' no longer exists" in p for p in found), (text, found)
    # "cũ" is a word: "cũng" does not mark a name as old.
    assert only_step(tmp_path, "Cấp huyện cũng nhận hồ sơ.") != []


def test_a_deadline_needs_valid_until(tmp_path: Path) -> None:
    with_glossary(tmp_path)
    dated = [
        "Tài khoản phải liên kết chậm nhất đến hết ngày 31/12/2026.",
        "Hạn cho phần lớn tài khoản là 31/12/2026.",
        "Năm 2026 là lượt người sinh năm 2001.",
        "Năm nay lệ phí được giảm.",
        "Nộp trước ngày 15/1/2027.",
    ]
    for text in dated:
        found = only_step(tmp_path, text)
        assert len(found) == 1 and "add valid_until to its step" in found[0], (text, found)
        assert only_step(tmp_path, text, valid_until="2099-12-31") == [], text
    not_dated = [
        "Từ 1/7/2026 mẫu mới; hồ sơ nộp trước ngày đó không phải nộp lại.",  # a past date
        "Trước ngày đó, theo Nghị định 69/2024, người nước ngoài đăng ký khác.",  # a law
        "Thông báo doanh thu chậm nhất ngày 31/01 năm sau.",  # every year, by law
        "Gia hạn tạm trú trong 15 ngày trước ngày hết hạn.",  # no date
        "Giới hạn chuyển tiền đến 31/12/2027 là 5 triệu.",  # not a deadline word
    ]
    for text in not_dated:
        assert only_step(tmp_path, text) == [], text
    # The summary sums up a step: a dated step covers it; otherwise the guide needs the date.
    summary = "Liên kết tài khoản chậm nhất đến hết 31/12/2026."
    write(tmp_path, valid_guide(summary=summary))
    assert [p.split(": ")[1] for p in problems_in(tmp_path)] == ["summary"]
    write(tmp_path, valid_guide(summary=summary, valid_until="2099-12-31"))
    assert problems_in(tmp_path) == []


def test_every_template_that_gives_a_1900_number_says_it_is_charged() -> None:
    import re

    from bot.config import PROJECT_ROOT

    number = re.compile(r"1900[ .]?\d{4}|tel:1900|\{\{ *hotline *\}\}")
    charged = re.compile(r"tính cước|có phí|mất phí|paid|charged", re.IGNORECASE)
    unsaid = [
        f"{path.relative_to(PROJECT_ROOT)}:{n}"
        for path in sorted((PROJECT_ROOT / "templates").rglob("*.j2"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if number.search(line) and not charged.search(line)
    ]
    assert unsaid == []


def two_steps(first: dict[str, object], second: dict[str, object]) -> list[dict[str, object]]:
    return [{"title": "Bước một", **first}, {"title": "Bước hai", **second}]


def test_a_step_that_points_elsewhere_needs_a_link_there(tmp_path: Path) -> None:
    with_glossary(tmp_path)
    write(tmp_path, valid_guide("other-guide"))
    fine = [
        two_steps(
            {"text": "Làm theo các bước trên màn hình."},
            {"text": "Làm lại bước trên Cổng Dịch vụ công quốc gia."},
        ),
        two_steps(
            {"text": "Xem hướng dẫn khác ngay bên dưới.", "links": [{"guide": "other-guide"}]},
            {"text": "Quay lại bước 1 rồi làm như ở bước trên.", "links": [{"step": 1}]},
        ),
        two_steps(
            {"text": "Bấm Tiếp.", "links": [{"step": 2}]},
            {
                "text": "Bấm Xong.",
                "troubleshooting": [{"problem": "Quên mật khẩu", "fix": "Xem phần liên quan."}],
                "links": [{"guide": "other-guide"}],
            },
        ),
    ]
    for steps in fine:
        write(tmp_path, valid_guide(steps=steps))
        assert problems_in(tmp_path) == [], steps
    broken = [
        (
            two_steps(
                {"text": "Xem hướng dẫn Quên mật khẩu trong phần liên quan ở cuối."},
                {"text": "Xong."},
            ),
            "steps[1].text",
            "'phần liên quan'",
        ),
        (
            two_steps({"text": "Đọc hướng dẫn «Quên mật khẩu» ngay bên dưới."}, {"text": "Xong."}),
            "steps[1].text",
            "'hướng dẫn «quên mật khẩu» ngay bên dưới'",
        ),
        (
            two_steps({"text": "Xong."}, {"text": "Nếu lỗi, làm lại như ở bước trên."}),
            "steps[2].text",
            "'bước trên'",
        ),
        (
            two_steps({"text": "Xong."}, {"text": "Nhập mã đã nhận ở bước trước, rồi bấm Gửi."}),
            "steps[2].text",
            "'ở bước trước'",
        ),
        # A link to another step does not stand for the one the text names.
        (
            two_steps(
                {
                    "text": "Xong.",
                    "troubleshooting": [{"problem": "Sai mã", "fix": "Quay lại bước 2."}],
                },
                {"text": "Bấm Gửi.", "links": [{"step": 1}]},
            ),
            "steps[1].troubleshooting[1].fix",
            "'bước 2'",
        ),
    ]
    for steps, field, pointer in broken:
        write(tmp_path, valid_guide(steps=steps))
        found = problems_in(tmp_path)
        assert len(found) == 1 and f": {field}: points to {pointer}" in found[0], (steps, found)
    # "ở bước trước" needs a link back, not forward.
    write(
        tmp_path,
        valid_guide(
            steps=two_steps(
                {"text": "Như ở bước trước.", "links": [{"step": 2}]}, {"text": "Xong."}
            )
        ),
    )
    assert [p.split(": ")[1] for p in problems_in(tmp_path)] == ["steps[1].text"]


def test_a_step_link_goes_to_a_guide_or_a_step_that_exists(tmp_path: Path) -> None:
    with_glossary(tmp_path)
    links = [{"guide": "no-such-guide"}, {"guide": "sample-guide"}, {"step": 3}, {"step": 1}]
    write(
        tmp_path, valid_guide(steps=two_steps({"text": "Xong.", "links": links}, {"text": "Xong."}))
    )
    assert problems_in(tmp_path) == [
        "sample-guide.yaml: steps[1].links[1].guide: no guide 'no-such-guide'",
        "sample-guide.yaml: steps[1].links[2].guide: a link to this guide: use 'step: <n>'",
        "sample-guide.yaml: steps[1].links[3].step: no step 3: the guide has 2",
        "sample-guide.yaml: steps[1].links[4].step: a link to its own step",
    ]
    write(
        tmp_path,
        valid_guide(
            steps=[{"title": "Một", "text": "Xong.", "links": [{"guide": "x", "step": 1}, {}]}]
        ),
    )
    found = problems_in(tmp_path)
    links_found = [p for p in found if ".links[" in p]
    assert [p.split(": ")[1] for p in links_found] == ["steps[1].links[1]", "steps[1].links[2]"]
    assert all("either 'guide: <id>' or 'step: <number>'" in p for p in links_found)


def test_not_terms_names_glossary_terms_and_hides_them(tmp_path: Path) -> None:
    from bot.guides.loader import load_guides
    from bot.guides.navigation import step_terms

    with_glossary(tmp_path)
    text = "Nhập mã OTP trên Cổng Dịch vụ công quốc gia."
    write(tmp_path, valid_guide(steps=[step(text, not_terms=["OTP", "mã xác thực"])]))
    assert problems_in(tmp_path) == [
        "sample-guide.yaml: steps[1].not_terms[2]: 'mã xác thực' is not a term in "
        "guides/glossary.yaml (write the term as it is there)"
    ]
    write(tmp_path, valid_guide(steps=[step(text, not_terms=["mã OTP"])]))  # a form of OTP
    assert problems_in(tmp_path) == []
    library, _ = load_guides(tmp_path)
    guide = library.get("sample-guide")
    assert guide is not None
    assert [t.term for t in step_terms(library, guide, 1)] == ["Cổng Dịch vụ công quốc gia"]
