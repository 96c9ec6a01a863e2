"""Finding the work a directive assigns (nhận diện nhiệm vụ được giao).

Candidates are the enumerated items of the body and the sentences of its plain paragraphs.
Each is scored on features a reader looks for:

* an assignee: a member named or designated by office before an assignment verb ("Đồng chí Bộ
  trưởng Bộ Công an … chỉ đạo"), an agency as subject ("Bộ Tài chính chủ trì"), or anyone
  after "giao", "đề nghị", "yêu cầu";
* an assignment verb (chỉ đạo, xây dựng, trình, ban hành, hoàn thành, triển khai, nghiên cứu,
  đề xuất, rà soát, sửa đổi, bổ sung, tổ chức…), or an item opening with one;
* its place: an item after "…các nhiệm vụ cụ thể sau đây:", under "Nhiệm vụ" or "Tổ chức thực
  hiện", with field lines ("Cơ quan chủ trì: …");
* against: the recital before "…như sau:", evaluations ("đã đạt được", "đánh giá cao"),
  principles, exhortations ("cần…", "tránh…") with no one named, closing formulas.

An item with an inline enumeration (1)…5) is a parent task with one task per sub-item; an
item whose later sentences open with an assignment verb ("Quản lý, khai thác…") gives one
task per sentence under it. Sub-tasks take the parent's member, agencies and deadline unless
they state their own; items take the deadline of the sentence that introduced them ("Ngay
trong quý I cần phải thực hiện tốt các nhiệm vụ cụ thể sau đây:").
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field, replace

from dondoc.reader.core.layouts import period_heading, period_phrases, table_cell
from dondoc.reader.core.normalise import fold_same_length
from dondoc.reader.core.resolve import Mention, Resolver, is_not_assignee
from dondoc.reader.core.structure import FIELD_LABELS, SECTION_STYLES, Structure
from dondoc.reader.core.types import Field, Proposal
from dondoc.reader.core.when import DeadlinePhrase, find_deadlines

__all__ = ["PROPOSE_AT", "propose_tasks"]

#: Confidence from which a proposal is pre-selected for review; lower ones are hints.
PROPOSE_AT = 0.5
#: Candidates scoring below this are not returned at all.
KEEP_AT = 0.3

_VERBS = (
    r"(?<!ban )(?<!ban chi )chi dao|chu tri|xay dung|trinh|ban hanh|hoan thanh|hoan thien"
    r"|trien khai"
    r"|nghien cuu|de xuat|ra soat|sua doi|bo sung|to chuc|thuc hien|tiep thu|theo doi|huong dan"
    r"|bao cao|tham muu|chuan bi|tong hop|kiem tra|don doc|lap|cap nhat|day manh|phat trien"
    r"|thanh lap|bo tri|dieu chinh|quan ly|khai thac|phat dong|xay dung|danh gia|soan thao"
    r"|phe duyet|trien khai thi diem|ra soat|sap xep|kien toan|tuyen truyen|dao tao|ung dung"
    r"|dau tu|ho tro|cung cap|ket noi|chia se|so hoa|thi diem|nang cap|tang cuong|tap trung"
    r"|khan truong|chu dong|phoi hop|lam tot|chiu trach nhiem|giam sat|dua"
    # "thẩm định …" is work, "ý kiến thẩm định" a noun
    r"|(?<!y kien )(?<!ket qua )tham dinh"
    r"|ra (?:thong bao|van ban|quyet dinh|chi thi|cong van)"
)
VERB = re.compile(r"(?<![\w])(?:" + _VERBS + r")(?![\w])")
_IMPERATIVE = re.compile(
    r"(?:khan truong |tap trung |chu dong |tiep tuc |kip thoi |som |hang (?:nam|quy|thang) "
    r"|dinh ky (?:hang (?:thang|quy|nam|tuan) )?)?(?:chi dao|chu tri|xay dung"
    r"|trinh|ban hanh|hoan thanh|hoan thien|trien khai|nghien cuu|de xuat|ra soat|sua doi"
    r"|bo sung|to chuc|thuc hien|tiep thu|theo doi|huong dan|bao cao|tham muu|chuan bi"
    r"|tong hop|kiem tra|don doc|lap |cap nhat|day manh|phat trien|thanh lap|bo tri|dieu chinh"
    r"|quan ly|khai thac|phat dong|soan thao|phe duyet|sap xep|kien toan|tuyen truyen|dao tao"
    r"|ung dung|dau tu|ho tro|cung cap|ket noi|chia se|so hoa|thi diem|nang cap|tang cuong"
    r"|lam tot|dua |xac dinh|lua chon|danh gia|phoi hop voi |tham dinh "
    r"|ra (?:thong bao|van ban|quyet dinh|chi thi|cong van) "
    r"|cu (?:can bo|lanh dao|dai dien|nhan su))"
)
_TRIGGER = re.compile(
    r"(?<![\w])(?<!duoc )(?<!da )(?<!dap ung )(?<!theo )(?<!cac )(?<!nhung )(?<!voi )(?<!moi )"
    r"(?:giao(?= (?:cho |dong chi|d/c|bo |ban |cac |uy ban|ubnd|van phong|co quan|thanh tra"
    r"|ngan hang|tong cuc|cuc |vu |so |vien |dang uy|kiem toan|tap doan|dai |trung tam"
    r"|thuong truc |hoi dong))"
    r"|de nghi|yeu cau)(?![\w])(?!\s*:)"
)
_GENERIC = re.compile(
    r"(?:(?:thu truong|giam doc|chu tich|bo truong|nguoi dung dau)[\w ,]{0,80}?"
    r"|(?:cac|toan the|tung) (?:dong chi|bo|nganh|co quan|dia phuong|don vi|tinh|thanh vien"
    r"|thanh pho|tap doan|doanh nghiep)[\w ,]{0,60}?)"
    r"(?= (?:chu dong|khan truong|tap trung|tiep tuc|" + _VERBS + r")(?![\w]))"
)
_EVALUATION = re.compile(
    r"^(?:[\w ,]{0,60}?)(?:da (?:duoc )?(?:dat duoc|to chuc|thong qua|phan cong|hoan thanh|ban hanh"
    r"|trien khai)|danh gia cao|co ban nhat tri|co ban thong nhat|nhat tri|ghi nhan|bieu duong"
    r"|tin tuong)"
)
_EXHORTATION = re.compile(
    r"^(?:can |phai |tranh |viec |day la |ngoai ra|trong qua trinh|trong tung|nhung |cac nha |"
    r"ban chi dao (?:se|khong|dang|va)|tham gia |co the )"
)
_CLOSING = re.compile(
    # "Trên đây là ý kiến của Bộ …, gửi Bộ … tổng hợp": a letter's closing formula
    r"^tren day la (?:y kien|de nghi|noi dung|bao cao)"
    r"|thong bao de|biet,? thuc hien|chiu trach nhiem thi hanh|co hieu luc|phat huy tinh than"
    r"|tinh than trach nhiem|quyet tam cao|tran trong cam on"
    # "Nghị quyết này được phổ biến đến chi bộ": the document spread, no one's work
    r"|(?:nghi quyet|ket luan|thong bao|chi thi|quyet dinh|ke hoach|chuong trinh) nay duoc"
    r" (?:pho bien|quan triet|gui|thong bao)"
)
#: An opening phrase before the subject: "Trên cơ sở báo cáo của các địa phương, Bộ … sẽ tổng
#: hợp …" (its "báo cáo" is not the work).
_APPOSITION = re.compile(r"\s*[-–]\s*")
_OPENING = re.compile(r"(?:tren co so|sau khi)\b[^,;:]{0,200},\s*")
#: a leader's direction relayed by another ("Anh Chính chỉ đạo: Bộ TC chủ trì …"): the work
#: and its doers are after the colon, the leader is its author
_RELAYED = re.compile(
    r"(?:Anh|anh|Chị|chị)\s+(?:[A-ZĐÀ-Ỹ]\w*\s+){1,3}(?:vừa\s+|đã\s+|cũng\s+)?"
    r"(?:chỉ đạo|kết luận|yêu cầu)(?:\s+bổ sung)?\s*:\s*"
)
_PASSIVE = re.compile(r"\bse duoc\b")
#: a reminder of a time already set: "Nhắc các bộ: hạn báo cáo … là 17h ngày 12/11"
_REMINDER = re.compile(r"(?:xin )?nhac(?: lai)?(?: [^:.;]{0,40})?:\s*(?:thoi )?han\b")
#: sending someone to a meeting: "cử 01 đồng chí lãnh đạo Vụ dự họp Tổ biên tập …"
_ATTENDANCE = re.compile(
    r"(?<![\w])cu (?:\d{1,2} |mot |hai )?(?:dong chi|d/c|can bo|lanh dao|dai dien|dau moi)"
    r"[^.;]{0,60}?(?<![\w])(?:du hop|tham du|du hoi nghi|du cuoc hop|du buoi)(?![\w])"
)
#: A call on everyone to keep at it rather than a task: "tiếp tục quan tâm chỉ đạo".
_CALL = re.compile(r"(?<![\w])(?:tiep tuc )?quan tam,? chi dao(?![\w])")
#: A look back rather than work ahead: "Thời gian qua, …", "Tuy nhiên, …".
_REVIEW = re.compile(
    r"^(?:trong )?(?:thoi gian qua|tuy nhien|nhin chung|qua \d|sau \d+ thang|ket qua"
    # "Sau hơn một năm vận hành …, các bộ, ngành đã …": results after a period
    r"|sau (?:hon )?(?:\d+|mot|hai|ba|bon|nam|sau) (?:nam|thang|quy)\b[^.;]{0,200}? da )"
)
#: A call on attitude, not a task: "… phải coi chuyển đổi số là nhiệm vụ …".
_ATTITUDE = re.compile(
    r"(?<![\w])(?:phai|can) (?:coi|xem|xac dinh|nhan thuc(?: ro| dung| day du)?"
    # "Các bộ, ngành phải thay đổi tư duy quản lý": a way of thinking, no work
    r"|thay doi tu duy|doi moi tu duy)(?![\w])"
    # "quán triệt, xác định … là nhiệm vụ chính trị trọng tâm": how to regard the work
    r"|(?<![\w])(?:xac dinh|coi|xem) [^.;:]{0,160}?\bla (?:mot )?nhiem vu (?:chinh tri )?"
    r"(?:trong tam|hang dau|quan trong|then chot|thuong xuyen)"
)
_RESPONSIBLE = re.compile(r"(?<![\w])chiu trach nhiem(?![\w])")
#: What to do if something goes wrong, not work: "Trong quá trình thực hiện, nếu có vướng
#: mắc, đề nghị … phản ánh về …".
_CONDITIONAL = re.compile(
    r"(?:^|, )neu (?:co |gap |phat sinh )?(?:kho khan|vuong mac|phat sinh|van de)(?![\w])"
)
#: A regulation's duty without work of its own: to make room for others, to answer when asked,
#: or the designation of a contact point ("giao Vụ Kế hoạch - Tài chính là đầu mối").
_GENERAL_DUTY = re.compile(
    r"^(?:tao (?:moi )?dieu kien (?:thuan loi )?(?:de|cho)\b)"
    r"|(?<![\w])khi (?:co )?(?:yeu cau|duoc yeu cau|can thiet)\W*$"
    r"|(?:^|[\s,])giao [^.;:]{3,80}? la (?:co quan |don vi )?(?:dau moi|thuong truc)(?![\w])"
)
#: "Ban Thường vụ Thành ủy đề nghị:": the opening of requests that follow, none itself.
_REQUESTS_OPEN = re.compile(r"(?<![\w])(?:de nghi|kien nghi|yeu cau|de xuat)\s*:?\s*$")
#: A call on a whole category rather than a task: "Người đứng đầu cấp ủy, cơ quan, đơn vị phải
#: trực tiếp …", "Mỗi cán bộ, đảng viên phải …", "Các cấp ủy, tổ chức đảng phải …".
_DUTY = re.compile(
    r"^(?:nguoi dung dau|moi|tung|toan the|cac cap uy|cap uy|can bo, dang vien)[\w ,]{0,60}?"
    r" (?:phai|can) "
)
#: A call on every Party body below to study the document and plan for it: "Các cấp ủy, tổ
#: chức đảng trực thuộc tổ chức quán triệt, xây dựng kế hoạch thực hiện Nghị quyết …".
_ALL_STUDY = re.compile(
    r"^(?:cac cap uy|cap uy cac cap|cac to chuc dang|cac chi bo)[\w ,]{0,60}?"
    r" (?:to chuc )?(?:hoc tap,? )?quan triet(?![\w])"
)
#: A rule for whoever is given work, not an assignment: "Các cơ quan được giao chủ trì chuẩn
#: bị đề án gửi dự thảo … chậm nhất 10 ngày làm việc trước phiên họp".
_WHOEVER = re.compile(
    r"^(?:thu truong )?(?:cac|nhung|moi) (?:co quan|don vi|bo|so|dia phuong)[\w ]{0,30}?"
    r" duoc giao (?:chu tri|nhiem vu|thuc hien)(?![\w])"
)
#: Where the money comes from, not work: "Kinh phí phục vụ hoạt động kiểm tra do ngân sách
#: Đảng bảo đảm", "Kinh phí thực hiện Kế hoạch được bố trí từ …".
_FUNDING = re.compile(
    r"^kinh phi (?:thuc hien|phuc vu|to chuc|cho|trien khai)[\w ,.-]{0,80}?"
    r" (?:do|tu|duoc|bao dam|bo tri|theo)(?![\w])"
)
#: "… nghiêm túc quán triệt, thực hiện Thông báo này": the closing call of a notice.
_WHOLE_DOCUMENT = re.compile(
    r"(?:thuc hien|quan triet|trien khai)[\w ,]{0,20}(?:thong bao|ket luan|chi thi|nghi quyet"
    r"|quyet dinh) nay\s*\.?$"
)
#: "… triển khai thực hiện Kế hoạch này": the whole document as the work
_IMPLEMENT_THIS = re.compile(
    r"(?:thuc hien|quan triet|trien khai)[\w ,]{0,20}(?:thong bao|ket luan|chi thi|nghi quyet"
    r"|quyet dinh|ke hoach|chuong trinh) nay\s*(?:[.;]|$)"
)
#: "nghiêm túc triển khai thực hiện …": the closing call on everyone
_EARNEST = re.compile(r"nghiem tuc (?:quan triet,? )?(?:trien khai|thuc hien|to chuc thuc hien)")
#: "căn cứ chức năng, nhiệm vụ được giao": each body within its own remit
_BY_FUNCTION = re.compile(r"(?:can cu|theo) (?:vao )?chuc nang,? nhiem vu")
#: companies as the subject: "Các doanh nghiệp viễn thông …", "Các tập đoàn, công ty …"
_ENTERPRISES = re.compile(r"(?:cac |nhung )?(?:doanh nghiep|cong ty|tap doan|nha mang)\b")
#: a rate or a count as the subject: "Tỷ lệ hồ sơ …", "Số thủ tục …", "100% xã, phường …"
_RATE_SUBJECT = re.compile(r"(?:ty le|so luong|so|\d+(?:[,.]\d+)?\s*%)\s")
#: a figure reached: "đạt 71,4%", "đạt được 100%"
_REACHED = re.compile(r"(?<![\w])dat (?:duoc )?(?:muc |ty le )?\d+(?:[,.]\d+)?\s*%")
_SECTION_BAD = re.compile(
    r"quan diem|muc dich|yeu cau|muc tieu|tinh hinh|ket qua dat duoc|danh gia|boi canh|can cu"
    r"|y nghia|nguyen tac"
)
#: "Điều 4. Thẩm quyền và thời hạn cấp Giấy chứng nhận": who may decide what, not work.
_COMPETENCE = re.compile(r"tham quyen|giai thich tu ngu|pham vi dieu chinh|hieu luc thi hanh")
_APPROVES = re.compile(
    r"phe duyet (?:chuong trinh|de an|ke hoach|chien luoc|quy hoach|du an)[^:]*"
    r"(?:noi dung|nhu sau|sau day)[^:]*:?\s*$"
)
#: a lead-in's purpose "Để …, " up to the comma before its subject in capitals
_PURPOSE = re.compile(r"(?:Để|để)\s[^:;.]*?,\s(?=[A-ZĐỦÔƯ])")
_SECTION_GOOD = re.compile(r"nhiem vu|giai phap|to chuc thuc hien|phan cong|trach nhiem")
_INTRO = re.compile(r":\s*$")
_INTRO_TASKS = re.compile(r"nhiem vu|giao|de nghi|yeu cau|thuc hien|trien khai|tap trung")
_RECITAL_END = re.compile(
    r"(?:nhu sau|sau day)\s*:\s*$|^quyet nghi\s*:?\s*$|^(?:quyet dinh|chi thi)\s*:\s*$"
    # "… yêu cầu các cấp ủy … thực hiện tốt các nhiệm vụ sau:" over paragraphs of work
    r"|(?:nhiem vu|noi dung|cong viec|giai phap)(?: [a-z ]{0,30})? sau\s*:\s*$"
)
#: A paragraph giving a member work: "Đồng chí Nguyễn Văn Thắng, Bộ trưởng Bộ Tài chính: …".
_MEMBER_PARAGRAPH = re.compile(r"(?:dong chi|d/c) [^:.;]{3,160}:\s*\S")
_OUTPUT = re.compile(
    r"(?:trinh|ban hanh|xay dung|hoan thien|phe duyet|sua doi, bo sung|sua doi|ky ban hanh"
    r"|de xuat|lap)\b[^.;:]{0,90}?\b(?P<doc>de an|nghi dinh|nghi quyet|quyet dinh|thong tu"
    r"|chi thi|chuong trinh|ke hoach|du an luat|luat|bao cao|chien luoc|danh muc|bo chi so"
    r"|huong dan|quy che|co che|chinh sach|du thao)\b"
)
_LABEL_VALUE = re.compile(
    r"(?P<label>co quan chu tri|don vi chu tri|chu tri|co quan phoi hop|don vi phoi hop|phoi hop"
    r"|thoi gian hoan thanh|thoi gian thuc hien|thoi gian|thoi han|tien do|san pham|ket qua"
    r"|hinh thuc van ban|(?:thanh vien|lanh dao|dong chi) phu trach|don vi thuc hien)\s*:\s*"
    # the next field after ";" or after a full stop ("…: Bộ Nội vụ. Thời hạn: quý III/2025.")
    r"(?P<value>(?:(?![;.]\s*(?:co quan|don vi|thoi gian|thoi han|tien do|san pham|ket qua|chu tri"
    r"|phoi hop|thanh vien|lanh dao|dong chi))[^\n])*)"
)
_AGENCY_HEAD = (
    r"(?:Bộ|Ban|Văn phòng|Ủy ban|Uỷ ban|UBND|Cục|Vụ|Viện|Sở|Tổng cục|Trung tâm|Thanh tra|Kiểm toán"
    r"|Ngân hàng|Đài|Thông tấn xã|Học viện|Đại học|Tập đoàn|Hội đồng|Đảng ủy|Đảng uỷ|Thường trực"
    r"|Ban cán sự đảng|Quỹ|Cơ quan|Tổng công ty|Công an|Các bộ|Các cơ quan|Các địa phương"
    r"|Các đơn vị|Các tỉnh"
    # a department written without its diacritics: "Vu Ngan sach nha nuoc chu tri"
    r"|Vu|Cuc|Tong cuc|Van phong|Uy ban)"
)
UNKNOWN_AGENCY = re.compile(
    _AGENCY_HEAD + r"(?:\s+(?:[A-ZĐÀ-Ỹa-zđà-ỹ&]|-\s)[\w&]*(?:,(?= [A-ZĐ]))?){0,10}"
)
_HEAD = re.compile(r"(?<![\w])" + _AGENCY_HEAD + r"(?![\w])")
_WORD = re.compile(r"(\s*,\s*|\s+-\s+|\s+)([^\s,;.:()\[\]\"“”]+)")
#: Words in lowercase that end an agency's name: verbs and adverbs (matched folded: "Vụ Kế
#: hoạch - Tài chính bảo đảm kinh phí", "Bộ Công an định kỳ hằng tháng tổng hợp") and function
#: words (matched with their diacritics, so "tài chính" is not "tại").
_NAME_STOP = re.compile(
    r"(?:" + _VERBS + r"|bao dam|dinh ky|thuong xuyen|kip thoi|tiep tuc|nghiem tuc|quyet liet"
    r"|lien quan|can cu|lanh dao)(?![\w])"
)
_NAME_STOP_WORDS = frozenset(
    re.split(
        r"\s+",
        "hằng hàng sớm cần phải là có không được đã sẽ đang chịu theo trong tại để nhằm với cho"
        " của từ đến do các mọi từng những này thuộc giao khi nếu và/hoặc",
    )
)


#: Heads whose name goes on in lowercase: "Ủy ban nhân dân tỉnh", "Ban cán sự đảng Bộ …".
_LOWER_NAMED = re.compile(r"(?:uy ban nhan dan|ban can su dang|dang uy|hoi dong)\b")


def agency_name_end(text: str, folded: str, start: int, limit: int) -> int:
    """End of the agency name opening at ``start`` ("Cục Tin học và Thống kê tài chính",
    "Vụ Kế hoạch - Tài chính", "Cục Thông tin, Thống kê"): words run on until a verb or a
    function word in lowercase, a comma before a lowercase word or a new agency, or "và"
    before a new agency or "các"."""
    head = _HEAD.match(text, start, limit)
    if head is None:
        return start
    end = pos = head.end()
    first = _WORD.match(text, pos, limit)
    if first is None or "," in first.group(1):
        return start
    if not (first.group(2)[:1].isupper() or first.group(2)[:1].isdigit()) and not (
        _LOWER_NAMED.match(folded, start)
    ):
        return start  # "Bộ trưởng", "Trung tâm dữ liệu quốc gia": an office, a thing
    pending = False  # a "và" waiting for the word after it
    for _ in range(16):
        m = _WORD.match(text, pos, limit)
        if m is None:
            break
        sep, word, ws = m.group(1), m.group(2), m.start(2)
        folded_word = folded[ws : m.end(2)]
        capital = word[:1].isupper() or word[:1].isdigit()
        if "," in sep and (not capital or pending):
            break
        if _HEAD.match(text, ws, limit) and ("," in sep or pending):
            break
        if folded_word == "va" and not pending:
            pending = True
            pos = m.end(2)
            continue
        if not capital and (word.lower() in _NAME_STOP_WORDS or _NAME_STOP.match(folded, ws)):
            break
        pending = False
        end = pos = m.end(2)
    return end


def _mention_field(text: str, m: Mention, confidence: float) -> Field:
    kind = {"agency": "unit", "group": "group"}.get(m.kind, "")
    return Field(m.name, (m.start, m.end), confidence, m.id, kind)


def _unknown_agencies(
    text: str, folded: str, a: int, b: int, known: list[Mention], confidence: float
) -> list[tuple[int, int]]:
    """Names of agencies the register does not know, in a range, as spans; a known agency
    inside a longer name ("Văn phòng Bộ Công an") is part of it, one in parentheses after a
    name ("Cục Thuế (Bộ Tài chính)") only says whose it is."""
    spans: list[tuple[int, int]] = []
    pos = a
    while True:
        m = _HEAD.search(text, pos, b)
        if m is None:
            break
        s = m.start()
        e = agency_name_end(text, folded, s, b)
        pos = max(e, m.end())
        if text[s:e].lower().startswith("các ") or len(text[s:e].split()) < 2:
            continue
        same = [k for k in known if k.start == s]
        if not same and folded.startswith("ban thuong vu ", s):
            # "Ban Thường vụ Tỉnh ủy Lào Cai": the province's committee itself
            same = [k for k in known if k.start == s + 14]
        if same:  # the register's name wins where both start
            pos = max(m.end(), same[0].end)
            continue
        if any(k.start < s < k.end for k in known):
            continue
        spans.append((s, e))
    return spans


_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[A-ZĐÀ-Ỹ\"“])|(?<=\.\")\s+|(?<=[;:])\s+(?=\()")


@dataclass
class _Candidate:
    start: int
    end: int
    key: str
    label: str
    parent: int | None = None  # index into the candidate list
    part: int | None = None
    in_list: bool = False  # an item after an intro naming tasks
    section_score: float = 0.0
    recital: bool = False
    inherited: DeadlinePhrase | None = None
    fields: list[tuple[int, int]] = field(default_factory=list)
    children: list[int] = field(default_factory=list)
    is_item: bool = False
    lead_in: tuple[int, int] | None = None  # the heading or sentence introducing the item
    # a sentence of running text: its section's time when it states none of its own
    fallback: DeadlinePhrase | None = None
    # a paragraph's lead-in that itself assigns ("Đảng ủy Chính phủ lãnh đạo, chỉ đạo …:"):
    # a task only as the parent of the items after it
    lead_para: bool = False


class _Index:
    """Mentions and deadline phrases of the whole text, looked up by range."""

    def __init__(self, mentions: list[Mention], deadlines: list[DeadlinePhrase]) -> None:
        self.mentions = mentions
        self.mention_starts = [m.start for m in mentions]
        self.deadlines = deadlines
        self.deadline_starts = [d.start for d in deadlines]

    def mentions_in(self, a: int, b: int) -> list[Mention]:
        i = bisect.bisect_left(self.mention_starts, a)
        out = []
        while i < len(self.mentions) and self.mentions[i].start < b:
            if self.mentions[i].end <= b:
                out.append(self.mentions[i])
            i += 1
        return out

    def first_deadline(self, a: int, b: int) -> DeadlinePhrase | None:
        """The first phrase of a part ("Trong quý III/2025, tập trung …:"), cut to the part
        where its leading words ("… thực hiện" + "quý I") reach into the line before."""
        i = max(0, bisect.bisect_left(self.deadline_starts, a) - 1)
        while i < len(self.deadlines) and self.deadlines[i].start < b:
            p = self.deadlines[i]
            if p.end > a and p.end <= b:
                if p.start < a:
                    return DeadlinePhrase(a, p.end, p.text, p.prefixed)
                return p
            i += 1
        return None

    def deadlines_in(self, a: int, b: int) -> list[DeadlinePhrase]:
        i = bisect.bisect_left(self.deadline_starts, a)
        out = []
        while i < len(self.deadlines) and self.deadlines[i].start < b:
            if self.deadlines[i].end <= b:
                out.append(self.deadlines[i])
            i += 1
        return out


def _strip_span(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a] in " \n\t:;,-–":
        a += 1
    while b > a and text[b - 1] in " \n\t;,:":
        b -= 1
    return a, b


def _sentences(text: str, a: int, b: int) -> list[tuple[int, int]]:
    pieces = []
    start = a
    for m in _SENTENCE_END.finditer(text, a, b):
        pieces.append((start, m.start()))
        start = m.end()
    pieces.append((start, b))
    return [s for s in (_strip_span(text, x, y) for x, y in pieces) if s[1] - s[0] > 3]


#: A section's time in brackets: "(Các nhiệm vụ dưới đây hoàn thành trong năm 2025, …)".
_TIME_NOTE = re.compile(
    r"\((?:cac )?nhiem vu[^()]*\)\.?$"
    # the same note as a sentence of its own: "Các nhiệm vụ dưới đây hoàn thành trong quý
    # III/2026, trừ nhiệm vụ có thời hạn riêng."
    r"|(?:cac )?nhiem vu (?:duoi day|sau day|sau)[^()]{0,80}tru (?:cac )?nhiem vu co thoi han"
    r" rieng\.?$"
)


def _capitals_heading(line: str) -> bool:
    """ "NHIỆM VỤ TRỌNG TÂM THỜI GIAN TỚI", "TỔ CHỨC THỰC HIỆN": an unnumbered heading."""
    return 3 <= len(line) <= 120 and line.isupper() and line.rstrip()[-1:] not in ".;:"


def _collect(structure: Structure, text: str, folded: str, index: _Index) -> list[_Candidate]:
    """Candidate task units in document order, with parents, context and inherited deadline
    and lead-in (the sentence or heading that introduced them)."""
    parts = structure.parts
    candidates: list[_Candidate] = []
    recital_end = _recital_end(structure, folded)
    children: dict[int, list[int]] = {}
    for i, part in enumerate(parts):
        if part.parent is not None:
            children.setdefault(part.parent, []).append(i)
    section_scores: dict[int, float] = {}
    intro_of: dict[int | None, DeadlinePhrase | None] = {}  # parent part -> current intro
    lead_in_of: dict[int | None, tuple[int, int] | None] = {}  # parent part -> its span
    listed: dict[int | None, bool] = {}
    part_candidate: dict[int, int] = {}
    open_heading: dict[int | None, tuple[int, int]] = {}  # addressee heading, no item yet
    section_time: dict[int | None, DeadlinePhrase | None] = {}  # a heading's time, kept
    lead_in_cand: dict[int | None, int | None] = {}  # an assigning lead-in paragraph
    approving: set[int] = set()  # "Điều 1. Phê duyệt …" and the sections under it
    # "Từ nay đến hết quý I/2027, các cơ quan … thực hiện tốt các nhiệm vụ sau (trừ nhiệm vụ
    # có thời hạn riêng):" over paragraphs without numbers, each naming its addressee: the
    # time runs over them (and the bullets of an addressee paragraph among them) until a
    # heading in capitals or a numbered part ends the run
    running: dict[int | None, DeadlinePhrase | None] = {}
    previous: int | None = None  # the last part read
    running_ok = False
    for i, part in enumerate(parts):
        if part.kind in ("header", "footer"):
            continue
        before, previous = previous, i
        if running.get(part.parent) is not None and not (
            part.kind == "paragraph"
            or (part.kind == "item" and before is not None and before + 1 == i and running_ok)
        ):
            running[part.parent] = None
        a0, b0 = structure.text_spans.get(i, part.span)
        a, b = _strip_span(text, a0, b0)
        own_folded = folded[a:b]
        raw_folded = folded[a0:b0].rstrip()
        parent_score = section_scores.get(part.parent, 0.0) if part.parent is not None else 0.0
        score = parent_score
        recital = b <= recital_end
        fields = structure.field_lines.get(i, [])
        if part.kind == "paragraph" and not fields:
            # a paragraph closes the previous intro at its level and may open a new one; the
            # time of the section it is in stays, and so does the time running over paragraphs
            # without numbers ("Từ nay đến hết quý I/2027, … các nhiệm vụ sau:")
            run = running.get(part.parent)
            if run is not None and _capitals_heading(text[a:b]):
                running[part.parent] = run = None
            base = section_time.get(part.parent) if part.parent is not None else None
            base = base or run
            intro = base
            listed[part.parent] = False
            lead_in_of[part.parent] = None
            lead_in_cand[part.parent] = None
            if _INTRO.search(raw_folded):
                # "Để hoàn thành các chỉ tiêu năm 2026, Chủ tịch … yêu cầu …:": a year in the
                # purpose is no time for the work below
                purpose = _PURPOSE.match(text, a, b) if own_folded.startswith("de ") else None
                intro = _intro_time(index, folded, purpose.end() if purpose else a, b) or base
                listed[part.parent] = bool(_INTRO_TASKS.search(own_folded))
                last = _last_sentence(text, a, b)
                request = None if not recital else _TRIGGER.search(folded, last[0], last[1])
                if not recital:
                    lead_in_of[part.parent] = last
                elif request is not None:
                    # "Thực hiện …, Bộ Khoa học và Công nghệ đề nghị Ủy ban nhân dân các tỉnh
                    # … thực hiện một số nội dung sau:": after the recital, the request
                    lead_in_of[part.parent] = (request.start(), last[1])
            note = _TIME_NOTE.match(raw_folded[len(raw_folded) - len(raw_folded.lstrip()) :])
            if note is not None and index.first_deadline(a, b) is not None:
                # "(Các nhiệm vụ dưới đây hoàn thành trong năm 2025, trừ nhiệm vụ có thời hạn
                # riêng.)" under a section's title: the section's time, no task
                intro_of[part.parent] = index.first_deadline(a, b)
                continue
            if (
                _INTRO.search(raw_folded)
                and index.first_deadline(a, b) is not None
                and not recital
                and listed[part.parent]
                and i + 1 < len(parts)
                and parts[i + 1].kind == "paragraph"
                and parts[i + 1].parent == part.parent
            ):
                running[part.parent] = run = index.first_deadline(a, b)
            running_ok = run is not None
            intro_of[part.parent] = intro
            heading = open_heading.pop(part.parent, None)
            for s, e in _sentences(text, a, b):
                lead_para = False
                if _INTRO.search(folded[s : e + 1]) and not _TRIGGER.search(folded[s:e]):
                    if recital or _assigning_lead_in_work(text, folded, s, e, index) is None:
                        continue
                    lead_para = True
                cand = _Candidate(
                    s,
                    e,
                    "",
                    "",
                    part=i,
                    section_score=score,
                    recital=recital,
                    inherited=intro if lead_para else None,
                    lead_in=heading,
                    fallback=None if recital else base,
                    lead_para=lead_para,
                )
                candidates.append(cand)
                if lead_para:
                    lead_in_cand[part.parent] = len(candidates) - 1
                    listed[part.parent] = True  # its items are the work it assigns
            if i in children:
                part_candidate[i] = len(candidates) - 1 if candidates else -1
            continue
        if part.parent in approving:
            approving.add(i)
            parent_score = score = -0.35
        if part.kind == "section" and part.parent is None and _APPROVES.match(own_folded):
            # "Điều 1. Phê duyệt Chương trình … với những nội dung chủ yếu sau:": what is
            # approved (objectives, solutions) is the programme; work is handed out later
            approving.add(i)
            section_scores[i] = -0.35
            intro_of[i] = None
            listed[i] = False
            lead_in_of[i] = None
            continue
        is_heading = (
            part.kind == "section"
            and part.title
            and not fields
            and not _assigning_lead_in(text, folded, a, b, index)
            and (
                any(parts[c].kind != "paragraph" for c in children.get(i, []))
                or own_folded.startswith("ve ")
                or (
                    not text[a:b].rstrip().endswith((".", ";"))
                    and (
                        not _IMPERATIVE.match(own_folded)
                        or len(own_folded.split()) <= 6
                        # "2. Đẩy mạnh bồi dưỡng kỹ năng số cho cán bộ, đảng viên" over the
                        # paragraphs that say who does what: the point's title
                        or (len(own_folded.split()) <= 16 and bool(children.get(i)))
                    )
                )
            )
        )
        if is_heading:
            title = folded[a : min(b, a + 80)]
            if (
                _SECTION_BAD.search(title)
                or (_COMPETENCE.search(title) and not _SECTION_GOOD.search(title))
                or i in approving
            ):
                score = -0.35
            elif _SECTION_GOOD.search(title):
                score = max(parent_score, 0.15)
            section_scores[i] = score
            # a heading's own time, else the time its section set ("Trong năm 2026, tập trung
            # … các nhiệm vụ sau:" above "3.6. Ban Thường vụ các tỉnh ủy, thành ủy:")
            intro_of[i] = index.first_deadline(a, b) or (
                intro_of.get(part.parent) if part.parent is not None else None
            )
            listed[i] = bool(_SECTION_GOOD.search(own_folded))
            # "3. Về đăng ký nhiệm vụ năm 2026" under "… đề nghị Ủy ban nhân dân các tỉnh …
            # thực hiện một số nội dung sau:": a topic keeps the request's addressees
            lead_in_of[i] = lead_in_of.get(part.parent) if own_folded.startswith("ve ") else None
            if _agency_heading(text, folded, a, b, index) or _addressee_heading(
                text, folded, a, b, index
            ):
                # "1. Bộ Khoa học và Công nghệ:": the items below are its tasks
                lead_in_of[i] = (a, b)
                listed[i] = True
                open_heading[i] = (a, b)  # and so is a paragraph right under it
            elif _INTRO.search(raw_folded) and not recital:
                lead_in_of[i] = (a, b)
            section_time[i] = intro_of[i]
            continue
        section_scores[i] = score
        parent = part.parent
        open_heading.pop(parent, None)
        inherited = intro_of.get(parent)
        lead_in = lead_in_of.get(parent)
        in_list = listed.get(parent, False)
        parent_cand = part_candidate.get(parent) if parent is not None else None
        if (parent_cand is None or parent_cand < 0) and lead_in_cand.get(parent) is not None:
            # the items after "Đảng ủy Chính phủ lãnh đạo, chỉ đạo các bộ, ngành, địa phương:"
            parent_cand = lead_in_cand[parent]
        if (
            parent_cand is not None
            and parent_cand >= 0
            # a lead-in paragraph at the top level has no part above it
            and (parent is None or parts[parent].kind != "section")
        ):
            pc = candidates[parent_cand]
            inherited = inherited or pc.inherited
            in_list = in_list or pc.in_list
        cand = _Candidate(
            a,
            b,
            part.key,
            part.label,
            parent=parent_cand if parent_cand is not None and parent_cand >= 0 else None,
            part=i,
            in_list=in_list,
            section_score=score,
            recital=recital,
            inherited=inherited,
            fields=fields,
            is_item=True,
            lead_in=lead_in,
        )
        candidates.append(cand)
        part_candidate[i] = len(candidates) - 1
        if cand.parent is not None:
            candidates[cand.parent].children.append(len(candidates) - 1)
        intro_of.setdefault(i, None)
        if _INTRO.search(raw_folded):
            intro_of[i] = index.first_deadline(a, b) or inherited
            listed[i] = True
    return candidates


#: "Đến ngày 05/11/2026, các cơ quan đã hoàn thành 87% nhiệm vụ": a day things stood at
_STATUS_AT = re.compile(r"[^.;:]{0,40}?(?<![\w])da (?!den\b|nang\b|lat\b)")


def _intro_time(index: _Index, folded: str, a: int, b: int) -> DeadlinePhrase | None:
    """The time a lead-in sets for its items: its first phrase, but not a day of the
    recital's figures ("Đến ngày 05/11/2026, các cơ quan đã hoàn thành …")."""
    first = index.first_deadline(a, b)
    if (
        first is not None
        and folded.startswith("den ", first.start)
        and _STATUS_AT.match(folded, first.end)
    ):
        later = [p for p in index.deadlines_in(first.end, b) if p.start >= first.end]
        return later[0] if later else None
    return first


def _assigning_lead_in(text: str, folded: str, a: int, b: int, index: _Index) -> bool:
    """A numbered lead-in that itself assigns: a named body or member, then work, then a
    colon ("3.1. Đảng ủy Chính phủ lãnh đạo, chỉ đạo:"); it is a task and the parent of the
    items below, unlike a heading that only names the body ("1. Bộ Tài chính:")."""
    return _assigning_lead_in_work(text, folded, a, b, index) is not None


def _assigning_lead_in_work(text: str, folded: str, a: int, b: int, index: _Index) -> int | None:
    """Where the work of a numbered lead-in that itself assigns starts, or None."""
    if b - a > 160 or not (text[a:b] + text[b : b + 2]).rstrip().endswith(":"):
        return None
    return _lead_in_work(text, folded, a, b, index)


#: "Đồng chí Bộ trưởng Bộ Công an chỉ đạo:", "Đề nghị đồng chí Bộ trưởng … chỉ đạo:".
#: A report's proposal: "Đề nghị Ban Chỉ đạo giao Đảng ủy Chính phủ lãnh đạo, chỉ đạo:".
_LEAD_IN_OPENER = re.compile(
    r"(?:(?:de nghi|kien nghi)\s+(?:ban chi dao\s+(?:giao|yeu cau)\s+)?|giao\s+)?"
    r"(?:(?:dong chi|d/c)\s+)?"
)


def _lead_in_work(text: str, folded: str, a: int, b: int, index: _Index) -> int | None:
    """Where the work of an assigning lead-in starts ("chỉ đạo" in "Đề nghị đồng chí Bộ trưởng
    Bộ Công an chỉ đạo:"), or None when the line is no such lead-in."""
    mentions = index.mentions_in(a, b)
    opener = _LEAD_IN_OPENER.match(folded, a)
    first = opener.end() if opener else a
    if mentions and mentions[0].start <= first + 1:
        if mentions[0].kind == "group":
            return None
        name_end = mentions[0].end
    elif _HEAD.match(text, first, b):
        # a body the register does not know ("Đảng ủy Ủy ban nhân dân thành phố")
        name_end = agency_name_end(text, folded, first, b)
    else:
        return None
    if mentions and mentions[0].kind == "member" and folded.startswith(",", name_end):
        # "Đề nghị đồng chí Nguyễn Mạnh Hùng, Ủy viên Ban Chỉ đạo, Bộ trưởng Bộ … chỉ đạo:",
        # "Đồng chí Thủ tướng Chính phủ, Phó Trưởng Ban Chỉ đạo lãnh đạo, chỉ đạo …:": the
        # member's other offices after the name or the office
        later = next(
            (
                v
                for v in VERB.finditer(folded, name_end, b)
                if not any(m.start <= v.start() < m.end for m in mentions)
            ),
            None,
        )
        gap = folded[name_end : later.start()] if later else ""
        if later is not None and len(gap.split()) <= 20 and not re.search(r"[;:.]", gap):
            name_end = later.start()
            if folded.endswith("lanh dao, ", 0, name_end):
                name_end -= len("lanh dao, ")  # "lãnh đạo, chỉ đạo": both words are the work
    at = name_end + len(folded[name_end:b]) - len(folded[name_end:b].lstrip(" ,"))
    if folded.startswith("lanh dao ", at) and not _agency_heading(text, folded, a, b, index):
        # "Đảng ủy Ủy ban nhân dân tỉnh lãnh đạo Ủy ban nhân dân tỉnh cụ thể hóa …:": the body
        # leads the work of the one it leads
        return at
    verb = VERB.search(folded, name_end, b)
    if verb is None or _agency_heading(text, folded, a, b, index):
        return None
    between = folded[name_end : verb.start()].strip(" ,")
    # "Đảng ủy Ủy ban nhân dân thành phố lãnh đạo, chỉ đạo Ủy ban nhân dân thành phố:": the
    # body directed is the object of the work, not a second addressee
    directs = folded.startswith(("lanh dao", "chi dao"), verb.start())
    if len(between.split()) <= 3 and (directs or not any(m.start >= verb.end() for m in mentions)):
        if between == "lanh dao":  # "lãnh đạo, chỉ đạo": both words are the work
            return folded.index("lanh dao", name_end)
        return verb.start()
    return None


def _last_sentence(text: str, a: int, b: int) -> tuple[int, int]:
    pieces = _sentences(text, a, b)
    return pieces[-1] if pieces else (a, b)


_HEADING_OPENERS = re.compile(
    r"(?:nhiem vu (?:do|giao cho|giao|cua|danh cho)\s+(?:dong chi\s+)?|doi voi|giao|de nghi"
    r"|ve phia"
    # a regulation's "Điều 5. Trách nhiệm của Bộ …", "Nhiệm vụ, quyền hạn của …": the article
    # gives the body that does each of its clauses
    r"|(?:trach nhiem|nhiem vu,? quyen han|trach nhiem,? quyen han)(?: va [a-z ]{3,20})? cua)\s*"
)
#: "Nhiệm vụ do đồng chí … chỉ đạo", "Nhiệm vụ giao Đảng ủy Bộ Tài chính": a heading naming
#: who answers for the items below, by name, by office or by agency.
_ADDRESSEE_HEADING = re.compile(r"nhiem vu (?:do|giao cho|giao|cua|danh cho)\s")
_MEMBER_HEADING = re.compile(r"(?:dong chi|d/c)\s")
_HEADING_TAIL = re.compile(r"\s+(?:chi dao|chu tri|phu trach|thuc hien)\s*$")
#: "Bộ trưởng, Thủ trưởng các bộ, …, Chủ tịch Ủy ban nhân dân các tỉnh, …:": the heads of the
#: bodies a heading names answer for them, so the bodies do the items.
_HEADS_OPENER = re.compile(
    r"(?:(?:bo truong|thu truong|chu tich|giam doc|lanh dao|nguoi dung dau)"
    r"(?:\s*,\s*|\s+va\s+|\s+))+"
)
#: "1. Chính phủ có trách nhiệm:", "4. Ủy ban nhân dân … có trách nhiệm:": a heading naming the
#: bodies whose duties follow.
_DUTY_TAIL = re.compile(r"\s+(?:co|chiu) (?:trach nhiem|nhiem vu)\s*$")


def _addressee_heading(text: str, folded: str, a: int, b: int, index: _Index) -> bool:
    """A short heading "Nhiệm vụ do đồng chí Thủ tướng Chính phủ chỉ đạo" or "Nhiệm vụ giao
    Ban Thường vụ các tỉnh ủy: Lai Châu, Điện Biên" that names members or agencies."""
    if b - a > 200 or text[a:b].rstrip().endswith("."):
        return False
    if _MEMBER_HEADING.match(folded, a):
        # "2. Đồng chí Nguyễn Văn Thắng, Bộ trưởng Bộ Tài chính:" alone, assigning nothing itself
        if VERB.search(folded, a, b):
            return False
    elif not _ADDRESSEE_HEADING.match(folded, a):
        return _named_only(text, folded, a, b, index)
    return any(
        m.kind in ("member", "agency", "group") and not is_not_assignee(folded[m.start : m.end])
        for m in index.mentions_in(a, b)
    )


_NAMES_JOIN = re.compile(r"[\s,;]*(?:va\s+)?")


def _named_only(text: str, folded: str, a: int, b: int, index: _Index) -> bool:
    """ "Đối với Chính phủ, Thủ tướng Chính phủ", "Đề nghị Bộ trưởng Bộ Công an:": a heading
    made only of an opener and the bodies and members it addresses, one of them a member."""
    end = b
    while end > a and text[end - 1] in " :.-–":
        end -= 1
    opener = _HEADING_OPENERS.match(folded, a, end)
    at = opener.end() if opener else a
    if end - at < 3 or (
        opener is None and not (text[a:b] + text[b : b + 2]).rstrip().endswith(":")
    ):
        return False
    # "1. Bộ trưởng Bộ Khoa học và Công nghệ:": a member by office alone, over its points
    mentions = index.mentions_in(at, end)
    if not any(m.kind == "member" and m.id is not None for m in mentions):
        return False
    for m in mentions:
        if m.end <= at:
            continue  # "Chính phủ" inside "Thủ tướng Chính phủ"
        if m.start < at or not _NAMES_JOIN.fullmatch(folded, at, m.start):
            return False
        at = m.end
    return end - at <= 1


def _agency_heading(text: str, folded: str, a: int, b: int, index: _Index) -> bool:
    """A heading that only names who does the items below ("1. Bộ Khoa học và Công nghệ:",
    "5. Các bộ, ngành, địa phương:", "Đối với Ủy ban nhân dân các tỉnh, thành phố:")."""
    end = b
    while end > a and text[end - 1] in " :.-–":
        end -= 1
    tail = _HEADING_TAIL.search(folded, a, end) if _ADDRESSEE_HEADING.match(folded, a) else None
    tail = tail or _DUTY_TAIL.search(folded, a, end)
    if tail:
        end = tail.start()
    opener = _HEADING_OPENERS.match(folded, a, end) or _HEADS_OPENER.match(folded, a, end)
    start = opener.end() if opener else a
    # "Đề nghị Chủ tịch Ủy ban nhân dân các tỉnh, …:": a request to the heads of the bodies
    heads = _HEADS_OPENER.match(folded, start, end) if opener else None
    start = heads.end() if heads else start
    if end - start < 3:
        return False
    at = start
    for m in index.mentions_in(start, end):
        if m.kind in ("agency", "group") and m.start == start and m.end >= end - 1:
            return True
        # "Các tỉnh ủy, thành ủy, đảng ủy trực thuộc Trung ương": bodies named side by side
        if m.kind not in ("agency", "group") or m.end <= at:
            continue
        if m.start < at or not _NAMES_JOIN.fullmatch(folded, at, m.start):
            break
        at = m.end
        if at >= end - 1 and at > start:
            return True
    by_heads = heads is not None or (opener is not None and opener.re is _HEADS_OPENER)
    if by_heads and _BODIES_UNDER_HEADS.fullmatch(folded, start, end):
        # "Thủ trưởng các cơ quan, đơn vị thuộc Bộ": the bodies in lowercase after their heads
        return True
    if _HEAD.match(text, start, end):
        name_end = agency_name_end(text, folded, start, end)
        if name_end >= end - 1:
            return True
        # "2. Cục Kinh tế - Quản lý đầu tư xây dựng" alone on its line over its points: a
        # name whose last words are in lowercase, no work after it
        rest = folded[name_end:end].split()
        return (
            name_end > start
            and not text[a:b].rstrip().endswith((".", ";", ","))
            and 0 < len(rest) <= 4
            and "," not in folded[name_end:end]
            and not _NOT_NAME_TAIL.match(folded, name_end)
        )
    return False


#: the bodies a heads' heading names in lowercase: "các cơ quan, đơn vị thuộc Bộ", "các sở, ngành"
_BODIES_UNDER_HEADS = re.compile(
    r"cac (?:co quan|don vi|bo|so|ban|nganh|dia phuong|cuc|vu|tinh)\b[^.;:]{0,70}"
)
#: words after an agency's name that begin its work, not the rest of its name
_NOT_NAME_TAIL = re.compile(
    r"\s*(?:chu tri|phoi hop|thuc hien|khan truong|tap trung|tiep tuc|chi dao|trien khai"
    r"|co trach nhiem|chiu trach nhiem|theo doi|tham muu|huong dan|nghien cuu|xay dung"
    r"|hoan thanh|bao cao|to chuc|ra soat|de xuat|trinh|ban hanh)\b"
)


def _recital_end(structure: Structure, folded: str) -> int:
    limit = len(folded) * 0.6
    found: int | None = None
    for i, part in enumerate(structure.parts):
        if part.kind == "header":
            # a short directive whose header runs on to its call "… thực hiện tốt các nhiệm vụ
            # sau:": the paragraphs after the call are work, not recital
            line_end = folded.find("\n", part.span[0])
            line_end = len(folded) if line_end < 0 else line_end
            if part.span[0] > 0 and _RECITAL_END.search(folded[part.span[0] : line_end].strip()):
                found = line_end
            continue
        if part.kind == "footer":
            continue
        if found is not None:
            return found
        if part.kind in ("section",) or part.span[0] > limit:
            return part.span[0]
        a, b = structure.text_spans.get(i, part.span)
        if part.kind == "paragraph" and _RECITAL_END.search(folded[a:b].strip()):
            return b
        if part.kind == "paragraph" and _MEMBER_PARAGRAPH.match(folded, a, b):
            # "Đồng chí …, Bộ trưởng Bộ Tài chính: chỉ đạo …" with no lead-in above it: the
            # members' work has begun
            return part.span[0]
        if (
            part.kind == "item"
            and folded[a:b].rstrip().endswith(":")
            and i + 1 < len(structure.parts)
            and structure.parts[i + 1].parent == i
        ):
            # "• Bộ Y tế:" over its bullets, in a deck without numbered sections: the list of
            # work has begun
            return part.span[0]
    return structure.body_start


@dataclass
class _Found:
    members: list[Field]
    leads: list[Field]
    coordinators: list[Field]
    assignee: bool
    generic: bool
    # the first assignment verb and hand-out word of the candidate, for its score
    verb: re.Match | None = None
    trigger: re.Match | None = None
    searched: bool = False
    # where ", do Cục … chủ trì" begins after the work: the content ends there
    led_by: int | None = None
    # where the work begins after an opening "Giao …"/"Đề nghị …" and its addressees
    work_at: int | None = None


def _field(
    text: str,
    a: int,
    b: int,
    confidence: float,
    resolved: int | None = None,
    value: str | None = None,
) -> Field:
    return Field(value if value is not None else text[a:b], (a, b), confidence, resolved)


def _add(fields: list[Field], new: Field) -> None:
    for f in fields:
        if (
            f.resolved_id is not None
            and f.resolved_id == new.resolved_id
            and f.resolved_kind == new.resolved_kind
        ) or (
            f.resolved_id is None
            and new.resolved_id is None
            and f.value.lower() == new.value.lower()
        ):
            return
    fields.append(new)


def _split_agencies(
    text: str, folded: str, a: int, b: int, index: _Index, confidence: float
) -> list[Field]:
    """Agencies named in a value ("Bộ Tài chính, Bộ Công an và các cơ quan liên quan",
    "Cục Tin học và Thống kê tài chính (Bộ Tài chính)"), in order."""
    known = [m for m in index.mentions_in(a, b) if m.kind in ("agency", "group")]
    unknown = _unknown_agencies(text, folded, a, b, known, confidence)
    found: list[tuple[int, Field]] = []
    for m in known:
        if any(s < m.start < e for s, e in unknown):
            continue
        if text[max(a, m.start - 2) : m.start].strip().endswith("(") and any(
            x.start < m.start for x in known
        ) | any(s < m.start for s, _ in unknown):
            continue  # "Cục Thuế (Bộ Tài chính)": whose unit it is
        found.append((m.start, _mention_field(text, m, confidence)))
    for s, e in unknown:
        if text[max(a, s - 2) : s].strip().endswith("(") and any(
            m.end <= s and not text[m.end : s].strip(" (") for m in known
        ):
            continue  # "Bộ Quốc phòng (Bộ Tư lệnh Tác chiến …)": the body's own unit
        found.append((s, _field(text, s, e, confidence * 0.8, None, text[s:e])))
    out: list[Field] = []
    for _, item in sorted(found, key=lambda x: x[0]):
        _add(out, item)
    return out


#: Words that open a name in a field besides the agency heads: "Bảo hiểm xã hội tỉnh", "Các
#: doanh nghiệp viễn thông", "Kho bạc Nhà nước".
_FIELD_HEAD = re.compile(
    r"(?:cac|bao hiem xa hoi|kho bac|toa an|vien kiem sat|hiep hoi|lien doan|doan thanh nien"
    r"|hoi lien hiep|truong|benh vien|cong ty)(?![\w])"
)
_RELATED = re.compile(r"(?:co )?lien quan\s*\.?$")


#: "Bộ Công an và các bộ, cơ quan liên quan": a name, then nobody in particular
_AND_RELATED = re.compile(r" va (?:cac|nhung) [^;]*lien quan\s*\.?$")


def _before_related(folded: str, s: int, e: int) -> int:
    """The end of a field's piece without its closing "và các … liên quan"."""
    m = _AND_RELATED.search(folded, s, e)
    return m.start() if m and m.start() > s else e


def _field_agencies(
    text: str, folded: str, a: int, b: int, index: _Index, confidence: float
) -> list[Field]:
    """Agencies of a stated field ("Cơ quan phối hợp: Công an tỉnh, Sở Tài chính"): the
    pieces between commas and semicolons, a piece in lowercase going on the name before it
    ("Các sở, ban, ngành", "UBND các huyện, thị xã, thành phố"), as does one in capitals
    without an agency word of its own ("Cục Khoa học, Công nghệ và Thông tin"); a piece the
    register knows from its start gives its mentions, another one opening in capitals is a
    name as written; "các cơ quan liên quan" names nobody."""
    known = [m for m in index.mentions_in(a, b) if m.kind in ("agency", "group")]
    pieces: list[list[int]] = []
    start = a
    for m in [*re.finditer(r"[;,]", text[a:b]), None]:
        stop = a + m.start() if m else b
        s, e = _strip_span(text, start, stop)
        if e > s:
            inside_known = any(k.start < s < k.end for k in known)
            # "Cục Thông tin, Thống kê": a short capitalised piece without a head of its own
            coordinate = (
                not _HEAD.match(text, s, e)
                and not _FIELD_HEAD.match(folded, s, e)
                and not any(k.start == s for k in known)
            )
            if pieces and (text[s].islower() or inside_known or coordinate):
                pieces[-1][1] = e
            else:
                pieces.append([s, e])
        start = stop + 1
    out: list[Field] = []
    for s, e in pieces:
        e = s + len(text[s:e].split(" (")[0].rstrip(". "))
        e = _before_related(folded, s, e)
        if _RELATED.search(folded[s:e]):
            continue
        mine = [k for k in known if s <= k.start < e]
        if mine and mine[0].start == s:
            for k in mine:
                _add(out, _mention_field(text, k, confidence))
        elif text[s : s + 1].isupper() and e - s >= 3:
            _add(out, _field(text, s, e, confidence * 0.8, None, text[s:e]))
    return out


def _value_agencies(text: str, a: int, b: int, index: _Index, confidence: float) -> list[Field]:
    """Agencies of a field's value: each piece between commas or semicolons is one name,
    unless the register knows names inside it ("Bộ Văn hóa, Thể thao và Du lịch")."""
    out: list[Field] = []
    mentions = [m for m in index.mentions_in(a, b) if m.kind in ("agency", "group")]
    for m in mentions:
        _add(out, _mention_field(text, m, confidence))
    start = a
    for piece in [*re.split(r"([;,])", text[a:b]), ""]:
        if piece in (";", ","):
            start += 1
            continue
        s, e = _strip_span(text, start, start + len(piece))
        start += len(piece)
        if e - s < 3 or any(m.start < e and s < m.end for m in mentions):
            continue
        name = text[s:e].rstrip(". ")
        if re.match(r"(?:các|những)\s", name, re.IGNORECASE) and len(name.split()) <= 4:
            continue
        if re.match(_AGENCY_HEAD, name):
            _add(out, _field(text, s, s + len(name), confidence * 0.8, None, name))
    return out


_HEADS_OF = re.compile(r"(?:chu tich|giam doc|thu truong|lanh dao|nguoi dung dau|bo truong)\s$")


def _trigger(f: str, verb: re.Match | None) -> re.Match | None:
    """ "giao", "đề nghị", "yêu cầu" where they hand out work: before the first verb or opening
    a clause ("…, giao Bộ Công an …"), not inside an object ("ngân sách … giao cho Bộ")."""
    for m in _TRIGGER.finditer(f):
        if (
            verb is None
            or m.start() < verb.start()
            or f[max(0, m.start() - 2) : m.start()]
            in (
                ", ",
                "; ",
                ": ",
            )
        ):
            return m
    return None


_PREVIOUS_WORD = re.compile(r"(\w+) $")
_HEAD_BEFORE = re.compile(r"(?<![\w])" + _AGENCY_HEAD + r" $")


def _in_name(text: str, at: int, mentions: list[Mention]) -> bool:
    """Whether a verb at ``at`` belongs to a name: inside a known one, or in capitals right
    after a word in capitals ("Giao Vụ Tổ chức cán bộ chủ trì": the work is "chủ trì")."""
    if any(m.start <= at < m.end for m in mentions):
        return True
    if not text[at : at + 1].isupper():
        return False
    if _HEAD_BEFORE.search(text, max(0, at - 20), at):
        return True  # "Ủy ban Kiểm tra Tỉnh ủy đưa …": a name's word after its head
    before = _PREVIOUS_WORD.search(text, max(0, at - 30), at)
    return before is not None and before.group(1)[:1].isupper()


#: "…, do Cục … chủ trì": the unit that leads, named after the work.
#: Or in brackets after the work: "… kiểm tra và đánh giá (Vụ Giáo dục Đại học chủ trì)",
#: "(Cục Công nghệ thông tin thực hiện)".
_LED_BY = re.compile(
    r"(?:,\s*|\s)do\s+([^;:]{3,160}?)\s+chu tri(?![\w])"
    r"|\s*\(\s*([^()]{3,160}?)\s+(?:chu tri|thuc hien|phu trach)\s*\)"
)


_DONE_WORD = re.compile(r"(?:hoan thanh|thuc hien)(?![\w])")


def _assignees(
    cand: _Candidate, text: str, folded: str, index: _Index, resolver: Resolver
) -> _Found:
    a, b = cand.start, cand.end
    f = folded[a:b]
    found = _Found([], [], [], False, False)
    mentions = index.mentions_in(a, b)
    opening = _OPENING.match(f)
    relayed = _RELAYED.match(text, a, b)
    skip = opening.end() if opening else (relayed.end() - a if relayed else 0)
    verb = VERB.search(f, skip)
    if verb is not None and _in_name(text, a + verb.start(), mentions):
        # "Ban Tổ chức Trung ương, Đảng ủy Bộ Xây dựng cử cán bộ": the work is the first verb
        # outside the names
        verb = next(
            (
                v
                for v in VERB.finditer(f, verb.end())
                if not _in_name(text, a + v.start(), mentions)
            ),
            verb,
        )
    trigger = _trigger(f, verb)
    if trigger is not None and verb is None:
        # "… thẩm định yêu cầu bảo đảm an ninh": a noun, not a request, when no addressee
        # follows it
        after = a + trigger.end() + len(f[trigger.end() :]) - len(f[trigger.end() :].lstrip())
        if not any(m.start == after for m in mentions) and not _HEAD.match(text, after):
            trigger = None
    found.verb, found.trigger, found.searched = verb, trigger, True
    subject_end = a + (verb.start() if verb else len(f))
    zone_start = a + (skip if relayed else 0)  # the leader relayed is the work's author
    if trigger:
        zone_start = a + trigger.end()
        # the work after the addressees, not a verb inside a name ("Bộ Giáo dục và Đào tạo")
        after = next(
            (
                v
                for v in VERB.finditer(f, trigger.end())
                if not _in_name(text, a + v.start(), mentions)
            ),
            None,
        )
        subject_end = a + (after.start() if after else len(f))
        found.assignee = True
        if (
            after is not None
            and trigger.start() == len(f) - len(f.lstrip())
            # "Giao Bo Tu phap tham dinh …, hoàn thành trong …": a time's connective, not the work
            and not (f[: after.start()].endswith(", ") and _DONE_WORD.match(f, after.start()))
        ):
            found.work_at = subject_end
    if verb is None and trigger is None:
        # no verb the rules know ("Bộ Quốc phòng, Bộ Công an theo chức năng … bảo đảm an
        # ninh"): only the names that open the sentence, one after another, are its subject
        run, pos = [], a + len(f) - len(f.lstrip())
        for m in mentions:
            if m.start != pos:
                break
            run.append(m)
            join = _NAMES_JOIN.match(folded, m.end, b)
            pos = join.end() if join else m.end
        # a bare list of ministries with no work is no assignment
        mentions = run if len(run) > 1 else []
    agencies = [m for m in mentions if m.kind in ("agency", "group")]
    known_names = [m for m in index.mentions_in(a, b) if m.kind in ("agency", "group")]
    # "Đảng ủy Chính phủ lãnh đạo, chỉ đạo:" over a list: the body's items, no member implied
    lead_in_list = text[b : b + 2].lstrip().startswith(":") or f.rstrip().endswith(":")
    # a name the register does not know, or knows only inside a longer one, opening the
    # subject: "Cục Chuyển đổi số quốc gia chủ trì", "Văn phòng Bộ Công an tổng hợp"
    head_at = zone_start + (
        len(text[zone_start:subject_end]) - len(text[zone_start:subject_end].lstrip())
    )
    unknown = [
        (s, e)
        # (a name the register knows is no unknown one, also where it is not the subject:
        # "Ban Thường vụ các tỉnh ủy, thành ủy:" names the provinces, not a "Ban Thường vụ")
        for s, e in _unknown_agencies(
            text, folded, head_at, max(subject_end, head_at), known_names, 0.6
        )
        if not is_not_assignee(folded[s:e])
    ]
    for s, e in unknown[:1] if unknown and unknown[0][0] == head_at else []:
        _add(found.leads, _field(text, s, e, 0.6, None, text[s:e]))
        found.assignee = True
    inside = [(s, e) for s, e in unknown[:1] if s == head_at]
    previous_end = -1
    for m in mentions:
        if m.start < zone_start or m.start >= subject_end:
            continue
        apposition = _APPOSITION.fullmatch(folded, previous_end, m.start) and folded.startswith(
            "co quan ", m.start
        )
        previous_end = m.end
        if apposition:
            continue  # "Bộ Khoa học và Công nghệ - Cơ quan thường trực Ban Chỉ đạo": its role
        if any(s <= m.start < e for s, e in inside):
            continue
        before = folded[max(a, m.start - 20) : m.start]
        if re.search(r"(?<![\w])(?:do|cua|voi|cho|tu|tai|trinh|ve|tren|truoc)\s$", before):
            continue
        if m.kind == "group" and _HEADS_OF.search(before):
            continue  # "Chủ tịch Ủy ban nhân dân các tỉnh": the persons, not the group
        if m.kind == "member":
            name = m.name or text[m.start : m.end]
            conf = 0.9 if m.id is not None else 0.5
            _add(found.members, _field(text, m.start, m.end, conf, m.id, name))
            office = folded[m.start : m.end]
            implied = resolver.office_agencies(office) if m.via_office else []
            if not implied and m.member is not None and not m.via_office:
                agency = resolver.member_agency(m.member)
                implied = [agency] if agency else []
            for agency in implied:
                _add(found.leads, Field(agency.name, (m.start, m.end), 0.7, agency.id, "unit"))
            found.assignee = True
        elif m.kind in ("agency", "group") and not is_not_assignee(folded[m.start : m.end]):
            _add(found.leads, _mention_field(text, m, 0.85))
            found.assignee = True
            if (
                verb
                and f[verb.start() : verb.end()] == "chi dao"
                and m.agency is not None
                and not lead_in_list
                # a ministry named without its minister ("Bộ Giáo dục và Đào tạo chỉ đạo các
                # đại học …") has no member; its Party committee directing is its head's charge
                and not folded.startswith("bo ", m.start)
            ):
                for member in resolver.members_leading(m.agency):
                    _add(found.members, Field(member.name, (m.start, m.end), 0.6, member.id))
    # "chỉ đạo Bộ Công an làm tốt …": the agency directed leads
    # (not in an item that opens with "Chỉ đạo" under a parent or heading that names the
    # subject: "Đảng ủy Chính phủ lãnh đạo, chỉ đạo: - Chỉ đạo các bộ, ngành …")
    # (nor when a body or member before it leads: "Đảng ủy Chính phủ lãnh đạo, chỉ đạo các bộ,
    # ngành, địa phương: …", "Đồng chí Thủ tướng … chỉ đạo các bộ, ngành hoàn thiện …")
    opens_with_verb = verb is not None and verb.start() <= 1
    if (
        verb
        and f[verb.start() : verb.end()] == "chi dao"
        and not (opens_with_verb and (cand.parent is not None or cand.lead_in is not None))
        and not found.leads
    ):
        for m in agencies:
            if m.start - (a + verb.end()) in (1, 2):
                _add(found.leads, _mention_field(text, m, 0.8))
    colon = f.find(":")
    if (
        f.startswith("doi voi ")
        and colon > 0
        and _trigger(f[:colon], None) is None
        and not any(x.kind == "member" for x in index.mentions_in(a, a + colon))
    ):
        # "Đối với Thành phố Hà Nội, Thành phố Hồ Chí Minh …: đề nghị báo cáo …": those named
        named = [
            m
            for m in index.mentions_in(a, a + colon)
            if m.kind in ("agency", "group") and not is_not_assignee(folded[m.start : m.end])
        ]
        if named:
            found.leads = []
            for m in named:
                _add(found.leads, _mention_field(text, m, 0.8))
            found.assignee = True
    # coordinators: "phối hợp với A, B và …"
    co = re.search(r"phoi hop (?:chat che |thuong xuyen )?(?:voi|cung)\s+", f)
    if co is None:
        co = _bare_partners(f, a, mentions)
    if co:
        # the work after the partners ends them, not a verb inside a name ("Ban Tổ chức")
        stop = next(
            (
                v
                for v in VERB.finditer(f, co.end())
                if not any(m.start <= a + v.start() < m.end for m in mentions)
            ),
            None,
        )
        end = a + (stop.start() if stop else len(f))
        punct = re.search(r"[;.:]", f[co.end() :])
        if punct:
            end = min(end, a + co.end() + punct.start())
        for item in _split_agencies(text, folded, a + co.end(), end, index, 0.8):
            _add(found.coordinators, item)
    by = _LED_BY.search(f) if not found.leads and not found.members else None
    if by is not None:
        # "Tổ chức quán triệt …, do Cục Công tác đảng … chủ trì, phối hợp với …": the unit named
        # after the work leads it
        group = 1 if by.group(1) is not None else 2
        s, e = a + by.start(group), a + by.end(group)
        if group == 2 and not text[s : s + 1].isupper():
            by = None  # "(nếu có, … thực hiện)": no name in the brackets
    if by is not None:
        named = [
            m
            for m in mentions
            if s <= m.start < e
            and m.kind in ("agency", "group")
            and not is_not_assignee(folded[m.start : m.end])
        ]
        for m in named:
            _add(found.leads, _mention_field(text, m, 0.8))
        if not named:
            for us, ue in _unknown_agencies(text, folded, s, e, [], 0.6)[:1]:
                if us == s:
                    _add(found.leads, _field(text, us, ue, 0.6, None, text[us:ue]))
        found.assignee = found.assignee or bool(found.leads)
        if found.leads and by.start() > 0:
            found.led_by = a + by.start()
    if not found.assignee and trigger is None and _GENERIC.match(f):
        found.generic = True
    if trigger and not found.members and not found.leads:
        found.generic = True
    return found


_BARE_WITH = re.compile(r"(?<![\w])chu tri,? phoi hop\s+")


def _bare_partners(f: str, a: int, mentions: list[Mention]) -> re.Match | None:
    """ "Bộ TC chủ trì, phối hợp Bộ KHCN rà soát …": the partners named right after "chủ trì,
    phối hợp" without "với", as working notes write it."""
    bare = _BARE_WITH.search(f)
    if bare and any(m.start == a + bare.end() and m.kind in ("agency", "group") for m in mentions):
        return bare
    return None


#: a line's trailing parenthesis naming who does it: "(Cơ quan thường trực chủ trì, phối hợp
#: Tổ giúp việc)", "(Bộ Tài chính chuẩn bị)", "(X phối hợp Y chuẩn bị)", "(các bộ, ngành)"
_TRAILING = re.compile(r"\(([^()]{3,400})\)[\s.;]*$")
_ROLE = re.compile(r"(?<![\w])(?:chu tri|chuan bi|thuc hien)(?![\w])")
_THROUGH = re.compile(r"\s*(?:qua|gui|theo|de|tai|ve|tu|den|cua|thuoc|kem)(?![\w])")
_WITH = re.compile(r"(?<![\w])phoi hop(?: voi)?(?![\w])")
_DIRECTS = re.compile(r"(?<![\w])(?:dong chi|d/c)(?![\w]).*(?<![\w])chi dao\s*$")


def _trailing_body(
    cand: _Candidate, text: str, folded: str, index: _Index, resolver: Resolver, stated: bool
) -> tuple[int, _Found] | None:
    """Who does a line of a work programme, from its trailing parenthesis: the body before
    "chủ trì"/"chuẩn bị" (or the only one named) leads, those after "phối hợp" work with it, "đồng
    chí … chỉ đạo" is a member; (where the line's work ends, what the parenthesis names), or
    None when the parenthesis names no body, or names no role after a line that ``stated`` its
    doer."""
    m = _TRAILING.search(text[cand.start : cand.end])
    if m is None or m.start() < 8 or _THROUGH.match(folded, cand.start + m.start(1)):
        return None  # "báo cáo Ban Chỉ đạo (qua Cơ quan thường trực)": the channel, no doer
    inner = folded[cand.start + m.start(1) : cand.start + m.end(1)]
    if stated and not (_ROLE.search(inner) or _WITH.search(inner)):
        return None  # "(dự thảo gửi Cơ quan thường trực …)" after a line naming its doer
    found = _Found([], [], [], True, False)
    offset = cand.start + m.start(1)
    for clause in re.finditer(r"[^;]+", folded[offset : cand.start + m.end(1)]):
        a, b = offset + clause.start(), offset + clause.end()
        f = folded[a:b]
        if _DIRECTS.search(f):
            directed = _assignees(_Candidate(a, b, "", ""), text, folded, index, resolver)
            for member in directed.members:
                _add(found.members, member)
            continue
        role = _ROLE.search(f)
        joint = _WITH.search(f)
        if joint is not None:
            lead_end = a + joint.start()
            partners = (
                a + joint.end(),
                a + role.start() if role and role.start() > joint.end() else b,
            )
        else:
            lead_end = a + role.start() if role else b
            partners = None
        if found.leads and joint is None and role is None:
            continue
        for agency in _split_agencies(text, folded, a, lead_end, index, 0.8):
            _add(found.leads, agency)
        if partners is not None:
            for agency in _split_agencies(text, folded, *partners, index, 0.75):
                _add(found.coordinators, agency)
    if not found.leads:
        return None
    return cand.start + m.start(), found


#: "(đồng chí Bộ trưởng Bộ Giáo dục và Đào tạo trực tiếp chỉ đạo)" after the lead's name
_DIRECTING = re.compile(r"\(\s*(?:dong chi|d/c)\s[^()]*chi dao\s*\)")


def _directing_member(out: dict, text: str, folded: str, a: int, b: int, index: _Index) -> None:
    """A member named in brackets in a lead's field, as directing its work, is the task's
    member: "Cơ quan chủ trì: Đảng ủy Bộ X (đồng chí Bộ trưởng Bộ X trực tiếp chỉ đạo)"."""
    m = _DIRECTING.search(folded, a, b)
    if m is None:
        return
    for mention in index.mentions_in(m.start(), m.end()):
        if mention.kind == "member":
            name = mention.name or text[mention.start : mention.end]
            confidence = 0.9 if mention.id is not None else 0.5
            _add(
                out.setdefault("members", []),
                _field(text, mention.start, mention.end, confidence, mention.id, name),
            )


_PARTY_COMMITTEE = re.compile(r"^(?:Đảng ủy|Đảng uỷ|Tỉnh ủy|Tỉnh uỷ|Thành ủy|Thành uỷ) ")


def _party_offices(proposal: Proposal, resolver: Resolver) -> None:
    """A Party committee's office the register does not hold ("Văn phòng Đảng ủy Chính phủ",
    "Văn phòng Tỉnh ủy Quảng Ninh") is an organ of that committee: the committee."""
    for fields in (proposal.leads, proposal.coordinators):
        for n, f in enumerate(fields):
            if f.resolved_id is not None or not f.value.startswith("Văn phòng "):
                continue
            agency = resolver.agency(fold_same_length(f.value[len("Văn phòng ") :]))
            if agency is not None and _PARTY_COMMITTEE.match(agency.name):
                fields[n] = Field(agency.name, f.span, f.confidence, agency.id, "unit")


#: a lead-in whose only work is to carry out the items after it
_ONLY_THE_ITEMS = re.compile(
    r"(?<![\w])(?:tap trung )?(?:chi dao )?(?:to chuc )?(?:trien khai )?thuc hien "
    r"(?:tot |nghiem |co hieu qua )?(?:cac|mot so|nhung) (?:nhiem vu|noi dung|cong viec)"
    r"(?: (?:trong tam|cu the|chu yeu))? (?:sau|sau day)\s*:?\s*$"
)
#: a comment on an article of a draft: "Tại khoản 2 Điều 4: …", "Điều 9 của dự thảo: …"
_ARTICLE_COMMENT = re.compile(
    r"(?:tai |ve |doi voi )?(?:diem [a-zđ] )?(?:khoan \d{1,3} )?dieu \d{1,3}[a-z]?"
    r"(?: (?:cua )?du thao(?: [a-z]+){0,3})?\s*[:,]\s+(?:de nghi|can|nen|chua)"
)
#: a time counted from a text's entry into force: "kể từ ngày Thông tư có hiệu lực"
_FROM_FORCE = re.compile(r"ke tu ngay (?:[a-z]+ ){1,3}co hieu luc$")
#: a sentence announcing what follows: "…, cụ thể như sau:", "… các nội dung sau đây:"
_ANNOUNCES = re.compile(r"(?<![\w])(?:nhu sau|sau day)\s*:?\s*$")
#: an answer's topic: "Về đề nghị hỗ trợ xây dựng Trung tâm dữ liệu tỉnh: "
_TOPIC = re.compile(r"ve (?:de nghi|kien nghi|de xuat|viec) [^:;.]{3,200}:\s+")


def _topic_end(folded: str, cand: _Candidate) -> int | None:
    """Where the answer begins in an item that opens with the topic it answers, or None."""
    m = _TOPIC.match(folded, cand.start, cand.end)
    return m.end() if m and m.end() < cand.end - 8 else None


def _labelled(cand: _Candidate, text: str, folded: str, index: _Index, year: int | None) -> dict:
    out: dict = {}
    ranges = [(cand.start, cand.end), *cand.fields]
    for a, b in ranges:
        for m in _LABEL_VALUE.finditer(folded, a, b):
            label = m.group("label")
            vs, ve = _strip_span(text, m.start("value"), m.end("value"))
            if ve <= vs:
                continue
            if "phu trach" in label:
                # "Thành viên phụ trách: Đồng chí Nguyễn Mạnh Hùng": the supervising member
                for m in index.mentions_in(vs, ve):
                    if m.kind == "member":
                        name = m.name or text[m.start : m.end]
                        conf = 0.9 if m.id is not None else 0.5
                        _add(
                            out.setdefault("members", []),
                            _field(text, m.start, m.end, conf, m.id, name),
                        )
            elif "chu tri" in label or label == "don vi thuc hien":
                out.setdefault("leads", []).extend(
                    _field_agencies(text, folded, vs, ve, index, 0.95)
                )
                _directing_member(out, text, folded, vs, ve, index)
            elif "phoi hop" in label:
                out.setdefault("coordinators", []).extend(
                    _field_agencies(text, folded, vs, ve, index, 0.9)
                )
            elif label in ("san pham", "ket qua", "hinh thuc van ban"):
                out["output"] = _field(text, vs, ve.__int__() if False else ve, 0.9)
            else:
                phrases = find_deadlines(folded[vs:ve], year, text[vs:ve])
                month = _BARE_MONTH.fullmatch(folded, vs, ve)
                if not phrases and month and year and 1 <= int(month.group(1)) <= 12:
                    # "Thời gian: Tháng 4" in a yearly programme: the month of its year, as a
                    # quarter without a year is ("Quý II")
                    out["deadline"] = Field(f"Tháng {int(month.group(1))}/{year}", (vs, ve), 0.9)
                elif phrases:
                    p = phrases[0]
                    out["deadline"] = Field(p.text, (vs + p.start, vs + p.end), 0.95)
                    # "Thời gian: Ban hành Khung trong tháng 9/2025; bồi dưỡng hằng năm": a
                    # time for each work, one per piece
                    pieces = [
                        next((q for q in phrases if x <= q.start < y), None)
                        for x, y in _pieces(folded, vs, ve)
                    ]
                    if len(pieces) > 1 and all(pieces):
                        out["deadlines"] = [
                            Field(q.text, (vs + q.start, vs + q.end), 0.9) for q in pieces
                        ]
                else:
                    out["deadline"] = _field(text, vs, ve, 0.7)
    return out


def _pieces(folded: str, a: int, b: int) -> list[tuple[int, int]]:
    """The pieces of a value between semicolons, as offsets from ``a``."""
    out, start = [], 0
    for m in re.finditer(";", folded[a:b]):
        out.append((start, m.start()))
        start = m.end()
    out.append((start, b - a))
    return out


def _second_work(cand: _Candidate, folded: str) -> tuple[int, int] | None:
    """The span after the item's one semicolon when what follows opens with work."""
    a, b = cand.start, cand.end
    cuts = list(re.finditer(r";\s+", folded[a:b]))
    if len(cuts) != 1:
        return None
    s = a + cuts[0].end()
    return (s, b) if _IMPERATIVE.match(folded, s) else None


#: A field's value that is a month alone: "Tháng 4".
_BARE_MONTH = re.compile(r"thang\s+(\d{1,2})\s*\.?")


#: Words before a time that make it the time the work is due ("hoàn thành trước ngày …").
_DUE_WORDS = re.compile(r"(?<![\w])(?:trong|truoc|cham nhat|den het|xong|hoan thanh|tai)(?![\w])")


_DONE_SO = re.compile(r"(?:thuc hien|trien khai|[;,]) $")


_BUDGET_BEFORE = re.compile(r"(?:ngan sach|du toan|kinh phi)(?: nha nuoc| dia phuong)? $")


_RHYTHM_ENDS = ("hằng năm", "hằng quý", "hằng tháng")


def _deadline(cand: _Candidate, folded: str, index: _Index) -> Field | None:
    """The item's own time when it states one ("trước ngày 15/9/2025", "trong tháng 8/2025",
    "hằng quý", "tại phiên họp tiếp theo"), else the time of the sentence or heading that
    introduced it ("Trong quý III/2025, tập trung …:"), else a looser time in the item."""
    phrases = [
        p
        for p in index.deadlines_in(cand.start, cand.end)
        # "bố trí kinh phí trong dự toán ngân sách hằng năm": the budget's rhythm, no time
        if not (
            p.text.startswith("Hằng")
            and _BUDGET_BEFORE.search(folded, max(0, p.start - 30), p.start)
        )
    ]
    own = [
        p
        for p in phrases
        if p.text.startswith(("Hằng", "Tại", "Định kỳ"))
        # "thực hiện từ kỳ đánh giá năm 2026 và hằng năm": a rhythm from a start on
        or (p.text.startswith("Từ ") and p.text.endswith(_RHYTHM_ENDS))
        # "…; thực hiện thường xuyên": the item's own rhythm, not a word of its work
        or (p.text.startswith("Thường") and _DONE_SO.search(folded, max(0, p.start - 14), p.start))
        or (p.prefixed and _DUE_WORDS.match(folded, p.start))
        or (p.prefixed and _DUE_WORDS.search(folded[p.start : p.end].split("quy")[0]))
    ]
    if cand.inherited is not None:
        # a time opening the item frames it ("Trong năm 2025 mọi thủ tục …"); the list's
        # time still governs
        own = [
            p
            for p in own
            # "Định kỳ hằng tháng báo cáo …": a rhythm opening the item is its own
            if p.start > cand.start + 2 or p.text.startswith(("Định kỳ", "Hằng"))
        ]
    # "trình Quốc hội tại Kỳ họp thứ 9; hoàn thành trong tháng 5/2025": the time the work is
    # done by says more than the session it goes to
    sessions = [
        p
        for p in own
        if p.text.startswith("Tại ") and (any(c.isdigit() for c in p.text) or " thứ " in p.text)
    ]
    own = [p for p in own if p not in sessions]
    if own:
        first = own[0]
        if first.text.startswith("Năm "):
            # "dự án … hỗ trợ trong năm 2026, gửi … trước ngày 15 tháng 01 năm 2026": the year
            # is what the work is for, the day is when it is due
            first = next((p for p in own if p.text.startswith("Trước ngày")), first)
        return Field(first.text, (first.start, first.end), 0.85)
    if sessions:
        # "… trình Quốc hội xem xét, thông qua tại Kỳ họp thứ hai, Quốc hội khóa XVI": the
        # session the work goes to says more than the section's time
        return Field(sessions[0].text, (sessions[0].start, sessions[0].end), 0.75)
    if cand.inherited is not None:
        p = cand.inherited
        return Field(p.text, (p.start, p.end), 0.75)
    for p in phrases:
        if p.prefixed or p.text.startswith("Thường"):
            return Field(p.text, (p.start, p.end), 0.7)
    return None


_GIVEN_BEFORE = re.compile(r"(?<![\w])da (?:duoc )?giao(?![\w])")
_FIGURES = re.compile(r"[^\d]{3,120}?(?:\s+[\d.,%]+){2,}\s*")


#: A rhythm or a stated day: "định kỳ hằng quý", "trước ngày 15/12/2026".
_RHYTHM_OR_DAY = re.compile(
    r"(?<![\w])(?:dinh ky|hang (?:quy|thang|nam)|truoc ngay \d{1,2}[/ ]|thuong xuyen)"
)


def _score(cand: _Candidate, folded: str, found: _Found, has_fields: bool) -> float:
    f = folded[cand.start : cand.end]
    score = 0.2 + cand.section_score
    if found.assignee and (found.members or found.leads):
        score += 0.4
    elif found.generic:
        score += 0.25
    if found.searched:
        verb, trigger = found.verb, found.trigger
    else:
        verb = VERB.search(f)
        trigger = _trigger(f, verb)
    if verb:
        score += 0.1
    if _IMPERATIVE.match(f):
        score += 0.15
    if cand.in_list:
        score += 0.25
    if has_fields:
        score += 0.3
    if cand.recital:
        score -= 0.5
    if verb and (
        re.search(
            # "đã" folded, not "Đà" of a place ("thành phố Đà Nẵng xây dựng …")
            r"(?<![\w])da (?!nang\b|lat\b)(?:duoc )?(?:\w+,? ){0,2}$",
            f[max(0, verb.start() - 18) : verb.start()],
        )
        # "Ban Chỉ đạo đã giao Bộ Tài chính hoàn thành …": work handed out before
        or _GIVEN_BEFORE.search(f, 0, verb.start())
    ):
        score -= 0.4  # its work is done: "Bộ Công an đã chủ trì, phối hợp …"
    if not verb and _FIGURES.fullmatch(f):
        score -= 0.6  # a row of figures: "Đảng ủy Chính phủ 186 139 15"
    if _REVIEW.match(f):
        score -= 0.35
    attitude = _ATTITUDE.search(f)
    if attitude:
        score -= 0.4
        if verb and attitude.start() <= verb.start() <= attitude.end() + 1:
            score -= 0.1  # "thay đổi tư duy quản lý": a noun after the attitude, no work
    # not "Các đơn vị được giao chủ trì … báo cáo … định kỳ hằng quý": whoever is given work
    # reporting on it at a rhythm or by a day has work of its own
    reporting = _WHOEVER.match(f) and _RHYTHM_OR_DAY.search(f)
    if (
        (_DUTY.match(f) or _FUNDING.match(f) or _WHOEVER.match(f) or _ALL_STUDY.match(f))
        and not trigger
        and not reporting
    ):
        score -= 0.6
    if _RESPONSIBLE.search(f) and not (cand.inherited or find_deadlines(f, None)):
        score -= 0.5
    if _WHOLE_DOCUMENT.search(f) and not (found.leads or found.members):
        score -= 0.5
    elif _IMPLEMENT_THIS.search(f) and (
        (_BY_FUNCTION.search(f) and not cand.inherited and not find_deadlines(f, None))
        # "Bộ trưởng yêu cầu Thủ trưởng các cơ quan … nghiêm túc triển khai thực hiện Chỉ thị
        # này; …": the closing call, whatever rhythm its assessment has
        or _EARNEST.search(f)
    ):
        # "Các sở, ban, ngành … căn cứ chức năng, nhiệm vụ được giao chủ động xây dựng kế
        # hoạch, tổ chức triển khai thực hiện Kế hoạch này": a general call, no work of its own
        score -= 0.5
    if _EVALUATION.match(f) and not trigger:
        score -= 0.35
    if _EXHORTATION.match(f) and not found.assignee:
        score -= 0.2
    closing = _CLOSING.search(f)
    if closing and not (
        # "… trong thời hạn 30 ngày kể từ ngày Thông tư có hiệu lực thi hành": a time
        closing.group(0) == "co hieu luc" and _FROM_FORCE.search(f, 0, closing.end())
    ):
        score -= 0.5
    if not trigger and not _IMPERATIVE.match(f) and _REACHED.search(f) and _RATE_SUBJECT.match(f):
        # "Tỷ lệ hồ sơ giải quyết trực tuyến toàn trình đạt 71,4%, tăng …": a result, no work
        score -= 0.5
    if _ENTERPRISES.match(f) and not trigger and not find_deadlines(f, None):
        # "Các doanh nghiệp viễn thông trên địa bàn tỉnh tiếp tục đầu tư …": a call on
        # companies, whom the register does not follow, without a time
        score -= 0.5
    if "neu " in f and _CONDITIONAL.search(f) and not find_deadlines(f, None):
        score -= 0.5
    elif f.startswith(("truong hop ", "trong truong hop ")) and not find_deadlines(f, None):
        # "Trường hợp Chính phủ ban hành Nghị định …, Sở … rà soát, điều chỉnh …": work only
        # if something happens, no time of its own
        score -= 0.8
    if len(f) < 120 and _REQUESTS_OPEN.search(f):
        score -= 0.6
    if (
        ("dieu kien" in f or "khi" in f or " la " in f)
        and _GENERAL_DUTY.search(f)
        and not find_deadlines(f, None)
    ):
        # "Tạo điều kiện để Tỉnh tham gia …", "Cung cấp thông tin … khi có yêu cầu", "Bộ
        # giao Vụ … là đầu mối": a standing duty with no work or product, or a designation
        score -= 0.8
    if _REMINDER.match(f):
        score -= 0.5  # "Nhắc các bộ: hạn báo cáo mẫu số 2 là 17h ngày 12/11": a time already set
    if _ATTENDANCE.search(f) and not find_deadlines(f, None):
        score -= 0.5  # "Đề nghị Bộ NV cử 01 đồng chí … dự họp …": attendance, no work
    if _PASSIVE.search(f) and not trigger:
        score -= 0.2
    if (
        not trigger
        and verb
        and re.search(r"(?<![\w])se (?:tiep tuc )?$", f[max(0, verb.start() - 12) : verb.start()])
        and not re.search(r"(?<![\w])truoc ngay \d", f)
    ):
        # the writer's own intent: "Cơ quan thường trực sẽ tổng hợp …"; a commitment by a
        # stated day ("… sẽ tổng hợp, báo cáo … trước ngày 31 tháng 01 năm 2026") is a task
        score -= 0.4
    if trigger and found.generic and _CALL.search(f):
        score -= 0.4  # "đề nghị các cấp ủy, cơ quan tiếp tục quan tâm chỉ đạo …"
    if len(f.split()) < 7 and not verb:
        score -= 0.3
    if _statement(f, verb, trigger):
        score -= 0.8
    return max(0.0, min(0.98, score))


#: "Kết quả kết nối là một tiêu chí đánh giá …", "Các địa phương đã có … được ưu tiên lựa
#: chọn …": what something is or is granted, said before any work, assigns nothing
_STATEMENT = re.compile(
    r"(?<![\w])(?:la (?:mot |cac |nhung )?(?:tieu chi|can cu|co so|dieu kien|chi tieu|yeu cau)"
    r"|duoc uu tien)(?![\w])"
)


def _statement(f: str, verb: re.Match | None, trigger: re.Match | None) -> bool:
    """Whether ``f`` (folded) opens with a subject and a statement of what it is or is
    granted (the words before it are a noun phrase, which may hold a verb: "kết quả kết
    nối"), rather than with work or a request."""
    body = f.lstrip("-•+* ")
    if trigger is not None or _IMPERATIVE.match(body):
        return False
    m = _STATEMENT.search(body, 0, 80)
    return m is not None and not re.search(r"[,;:]", body[: m.start()])


def _output(cand: _Candidate, text: str, folded: str) -> Field | None:
    m = _OUTPUT.search(folded, cand.start, cand.end)
    if not m:
        return None
    s = m.start("doc")
    stop = re.search(
        r"[,;.:]| de | nham | trong (?:quy|thang|nam)| truoc ngay", folded[s : cand.end]
    )
    e = s + (stop.start() if stop else cand.end - s)
    e = min(e, s + 160)
    return Field(text[s:e].strip(), (s, e), 0.7)


def _split_sentences(cand: _Candidate, text: str, folded: str) -> list[tuple[int, int]]:
    """Sentences of an item that each assign work: the first, and any later one opening
    with an assignment verb ("Quản lý, khai thác, bảo vệ hiệu quả khoáng sản…")."""
    sentences = _sentences(text, cand.start, cand.end)
    if len(sentences) < 2:
        return []
    groups = [list(sentences[0])]
    for s, e in sentences[1:]:
        if _IMPERATIVE.match(folded[s:e]) and not _EXHORTATION.match(folded[s:e]):
            groups.append([s, e])
        else:
            groups[-1][1] = e
    return [tuple(g) for g in groups] if len(groups) >= 2 else []


def _prose_label(base: str, sentence: int) -> str:
    """How a clerk cites a sentence of running text: "III.2, đoạn 1, câu 2" for the second
    sentence of the first paragraph under III.2 (key "III.2.p1.s2"), "Đoạn 3, câu 1" at the top
    level."""
    section, _, paragraph = base.rpartition(".p") if ".p" in base else ("", "", "")
    if not paragraph and base.startswith("p"):
        paragraph = base[1:]
    if not paragraph.isdigit():
        return f"{base}, câu {sentence}" if base else f"Câu {sentence}"
    where = f"đoạn {paragraph}, câu {sentence}"
    return f"{section}, {where}" if section else where[:1].upper() + where[1:]


_DELIVERY = re.compile(r"(?:bao cao|trinh|gui)(?![\w])")


#: A field label before a time: "Thời hạn: quý I/2026", "Thời gian: …".
_CLOSING_LABEL = re.compile(r"(?:thoi han|thoi gian(?: hoan thanh| thuc hien)?)\s*:\s*$")


def _closing_time(folded: str, s: int, at: int) -> bool:
    """Whether the time at ``at`` closes the item for all its works: after a field label
    ("… Thời hạn: quý I/2026.") or as "…, hoàn thành trước ngày …" after a comma."""
    before = folded[max(s, at - 30) : at]
    if _CLOSING_LABEL.search(before):
        return True
    return folded.startswith("hoan thanh", at) and before.rstrip().endswith(",")


def _second_assignment(
    cand: _Candidate, text: str, folded: str, index: _Index
) -> tuple[int, int] | None:
    """The span of a second assignment after a semicolon that opens with work and states its
    own time, when the first states one too; else None ("…; hoàn thành trong quý II" is the
    first's time, not a second task)."""
    a, b = cand.start, cand.end
    for m in re.finditer(r";\s+", folded[a:b]):
        s = a + m.end()
        if folded.startswith("hoan thanh", s) or not _IMPERATIVE.match(folded, s):
            continue
        own = [
            p
            for p in index.deadlines_in(a, s)
            if p.prefixed or p.text.startswith(("Hằng", "Định kỳ"))
        ]
        later = [p for p in index.deadlines_in(s, b) if p.prefixed]
        closing = bool(later) and _closing_time(folded, s, later[-1].start)
        if cand.inherited is not None and not _DELIVERY.match(folded, s) and not closing:
            # under a section's time ("Từ nay đến hết năm 2025, …:"), the first part takes
            # it when it states none, and a second part with a time of its own is a task
            # (not "…; báo cáo Bộ Chính trị trong quý II/2026", the first one's delivery, nor
            # "…; ban hành …, hoàn thành trước ngày 31/01/2026" or "… Thời hạn: quý I/2026."
            # closing the item: the time both works are done by)
            own = own or [cand.inherited]
        if own and later:
            return (s, b)
    return None


#: The member's own verb opening his work: "chỉ đạo …", "quan tâm, chỉ đạo …".
_MEMBER_DIRECTS = re.compile(r"(?<!ban )(?<!truong )(?:quan tam, )?chi dao ")
#: A prose enumeration's ordinal: "Thứ nhất, …", "Thứ hai, …" … "Thứ mười, …".
_ORDINAL = re.compile(r"thu (?:nhat|hai|ba|tu|nam|sau|bay|tam|chin|muoi(?: mot| hai)?),\s+")
#: The request or hand-out opening a paragraph: "đề nghị …", "giao …".
_REQUEST = re.compile(r"(?:de nghi|giao)\s+(?:dong chi\s+)?")
#: What joins a member's or body's names in a list: ", ", " và ".
_NAME_JOIN = re.compile(r"(?:,\s*|\s+va\s+)")


def _named_bodies(folded: str, at: int, end: int, index: _Index) -> tuple[list[Mention], int]:
    """The bodies named one after the other from ``at`` ("Thành ủy Hà Nội, Thành ủy Thành phố
    Hồ Chí Minh và Thành ủy Đà Nẵng"), and where the words after them begin."""
    found: list[Mention] = []
    p = at
    for m in index.mentions_in(at, end):
        if m.start < p:
            continue
        if m.start != p or m.kind == "member":
            break
        found.append(m)
        p = m.end
        joined = _NAME_JOIN.match(folded, p)
        if joined is None:
            break
        p = joined.end()
    if not found:
        return [], at
    return found, found[-1].end


def _member_assignments(cand: _Candidate, folded: str, index: _Index) -> list[tuple[int, int]]:
    """The assignments of one member's (or one body's) paragraph of prose, when it holds
    several: "Đồng chí …, Thủ tướng Chính phủ chỉ đạo …; chỉ đạo … trước …; đồng thời giao Bộ …
    chủ trì …". A new one opens after a semicolon with "đồng thời", or with work when both
    sides state their own time ("…; hoàn thành …" or "…; báo cáo …" without a time of its own
    is the same work). Spans run from after the semicolon (and "đồng thời")."""
    a, b = cand.start, cand.end
    directs = _MEMBER_DIRECTS.search(folded, a, min(b, a + 400))
    opening = a
    if directs is not None and ";" not in folded[a : directs.start()]:
        opening = directs.end()
    elif not _ORDINAL.match(folded, a):
        return []
    starts = [a]
    for m in re.finditer(r";\s+", folded[opening:b]):
        s = opening + m.end()
        together = re.match(r"dong thoi,?\s+", folded[s:b])
        if together is not None:
            starts.append(s + together.end())
            continue
        if not (_IMPERATIVE.match(folded, s) or folded.startswith("giao ", s)):
            continue
        if folded.startswith("hoan thanh", s) or _DELIVERY.match(folded, s):
            continue
        before = [p for p in index.deadlines_in(starts[-1], s) if p.prefixed]
        after = [p for p in index.deadlines_in(s, b) if p.prefixed]
        if before and after:
            starts.append(s)
    if len(starts) < 2:
        return []
    spans = []
    for n, s in enumerate(starts):
        e = starts[n + 1] if n + 1 < len(starts) else b
        if n + 1 < len(starts):
            e = folded.rfind(";", s, e)
        while e > s and folded[e - 1] in " ;":
            e -= 1
        spans.append((s, e))
    return spans


def _assignment_proposals(
    proposal: Proposal,
    spans: list[tuple[int, int]],
    text: str,
    folded: str,
    index: _Index,
    resolver: Resolver,
) -> list[Proposal]:
    """One proposal per assignment of a member's paragraph: its work without the preamble
    ("Đồng chí …, Bộ trưởng … chỉ đạo", "đồng thời giao Bộ Tài chính"), its own time and
    partners, the body it is handed to as lead and the paragraph's member kept."""
    out = []
    for n, (s, e) in enumerate(spans):
        p = s
        leads = list(proposal.leads)
        members = list(proposal.members)
        if n == 0:
            ordinal = _ORDINAL.match(folded, s)
            directs = _MEMBER_DIRECTS.search(folded, s, min(e, s + 400))
            if ordinal is not None:
                p = ordinal.end()
                request = _REQUEST.match(folded, p)
                if request is not None:
                    p = request.end()
            elif directs is not None:
                p = directs.end()
        else:
            directs = _MEMBER_DIRECTS.match(folded, p)
            if directs is not None:
                p = directs.end()
        handed = folded.startswith("giao ", p)
        if handed:
            p += len("giao ")
        bodies, after = _named_bodies(folded, p, e, index)
        if bodies and _IMPERATIVE.match(folded, after.__index__() + (folded[after] == " ")):
            p = after + (folded[after] == " ")
            known = [m for m in bodies if m.id is not None]
            if known:
                # "giao Bộ Tài chính chủ trì …", "Thành ủy Hà Nội, … hoàn thành …": the body
                # handed the work leads it; a department of the member's own body (not in
                # the register) leaves his body the lead
                leads = [_mention_field(text, m, 0.75) for m in known]
                if not handed and n > 0:
                    members = []
        found = _assignees(_Candidate(p, e, "", ""), text, folded, index, resolver)
        work = _content(text, p, e)
        deadline = _deadline(_Candidate(p, e, "", ""), folded, index)
        piece = replace(
            proposal,
            key=proposal.key if n == 0 else f"{proposal.key}{chr(ord('a') + n)}",
            label=(proposal.label if n == 0 else f"{proposal.label}{chr(ord('a') + n)}")
            if proposal.label
            else "",
            content=f"{work[:1].upper()}{work[1:]}",
            members=members,
            leads=leads,
            coordinators=list(found.coordinators),
            deadline=deadline,
            # a work handed to a stated body with its own time is a task, however plain the
            # paragraph around it reads
            confidence=max(proposal.confidence, 0.7) if leads and deadline else proposal.confidence,
            span=(s, e),
            expected_output=_output(_Candidate(p, e, "", ""), text, folded),
        )
        _party_offices(piece, resolver)
        _partners_not_leads(piece)
        out.append(piece)
    return out


def _lead_in_assignees(
    span: tuple[int, int], text: str, folded: str, index: _Index, resolver: Resolver
) -> _Found:
    """Who the heading or sentence introducing a list gives its items to."""
    a, b = span
    if _addressee_heading(text, folded, a, b, index):
        found = _Found([], [], [], True, False)
        for m in index.mentions_in(a, b):
            if m.kind == "member":
                if m.id is None:
                    continue
                _add(found.members, _field(text, m.start, m.end, 0.85, m.id, m.name))
                implied = resolver.office_agencies(folded[m.start : m.end]) if m.via_office else []
                if not implied and m.member is not None:
                    agency = resolver.member_agency(m.member)
                    implied = [agency] if agency else []
                for agency in implied:
                    _add(found.leads, Field(agency.name, (m.start, m.end), 0.7, agency.id, "unit"))
            elif not found.members and not is_not_assignee(folded[m.start : m.end]):
                _add(found.leads, _mention_field(text, m, 0.75))
        found.assignee = bool(found.members or found.leads)
        return found
    if _agency_heading(text, folded, a, b, index):
        leads = _split_agencies(text, folded, a, b, index, 0.75)
        return _Found([], leads, [], bool(leads), False)
    found = _assignees(_Candidate(a, b, "", ""), text, folded, index, resolver)
    if not found.assignee:
        return _Found([], [], [], False, False)
    return found


#: A province or city by its kind in lowercase and its name in capitals ("Thành phố Hà Nội,
#: Thành phố Hồ Chí Minh và thành phố Đà Nẵng", "tỉnh Lai Châu"): the name says who it is.
_PLACE_IN_LOWER = re.compile(r"(?:thành phố|tỉnh) [A-ZĐÀ-Ỹ]")
#: "…, đảng ủy trực thuộc Trung ương" in lowercase still names the committees.
_UNDER_CENTRAL_WORDS = ("dang uy truc thuoc", "cac dang uy truc thuoc")


def propose_tasks(
    text: str, folded: str, structure: Structure, resolver: Resolver
) -> list[Proposal]:
    """Proposed tasks of a structured text, in document order."""
    year = structure.header.date.year if structure.header.date else None
    # an agency's name opens in capitals: "là cơ quan thường trực" names no one
    mentions = [
        m
        for m in resolver.mentions(folded)
        if m.kind != "agency"
        or not text[m.start].islower()
        or _PLACE_IN_LOWER.match(text, m.start)
        or folded.startswith(_UNDER_CENTRAL_WORDS, m.start)
    ]
    deadlines = find_deadlines(folded, year, text)
    if year is not None:
        # a work programme's month headings ("Tháng 3", the year only in its title): the
        # month of the programme's year is the time of the work under each
        months = [
            DeadlinePhrase(*part.span, f"{part.label}/{year}", True)
            for part in structure.parts
            if part.kind == "section"
            and part.label.startswith("Tháng ")
            and period_heading(part.label) is None
        ] + period_phrases(structure.parts, text)
        if months:
            deadlines = sorted(deadlines + months, key=lambda p: p.start)
    index = _Index(mentions, deadlines)
    candidates = _collect(structure, text, folded, index)
    proposals: list[Proposal | None] = [None] * len(candidates)
    sentence_counter: dict[int | None, int] = {}
    lead_ins: dict[tuple[int, int], _Found] = {}
    timed: dict[int, tuple[Field, Field]] = {}  # a time field with one time for each work
    for n, cand in enumerate(candidates):
        found = _assignees(cand, text, folded, index, resolver)
        named_heading = bool(cand.children) and (
            _agency_heading(text, folded, cand.start, cand.end, index)
            or _addressee_heading(text, folded, cand.start, cand.end, index)
        )
        if named_heading:
            # "a) Đề nghị Chủ tịch Ủy ban nhân dân các tỉnh, …:", "- Đồng chí Phan Văn Giang,
            # Bộ trưởng Bộ Quốc phòng:": the bodies and members its items go to
            found = _lead_in_assignees((cand.start, cand.end), text, folded, index, resolver)
        topic_end = _topic_end(folded, cand)
        if topic_end is not None:
            # "a) Về đề nghị hỗ trợ …: giao Cục … chủ trì, …": the answer after the topic
            answer = _assignees(replace(cand, start=topic_end), text, folded, index, resolver)
            if answer.leads or answer.members:
                found = answer
            else:
                topic_end = None
        labelled = _labelled(cand, text, folded, index, year)
        trailing = (
            _trailing_body(cand, text, folded, index, resolver, bool(found.leads or found.members))
            if cand.is_item and not labelled.get("leads")
            else None
        )
        if trailing is not None:
            # "- Ban hành … (Cơ quan thường trực chủ trì, phối hợp …)": who does the line; a
            # member the line names ("Đồng chí Trưởng Ban Chỉ đạo làm việc với …") stays
            trailing[1].members = trailing[1].members or found.members
            found = trailing[1]
        parent = proposals[cand.parent] if cand.parent is not None else None
        # stated fields ("Cơ quan chủ trì: …") say it better than the sentence
        if labelled.get("leads"):
            found.leads = labelled["leads"]
            found.assignee = True
        if labelled.get("coordinators"):
            found.coordinators = labelled["coordinators"]
        if labelled.get("members"):
            found.members = labelled["members"]
            found.assignee = True
            if not found.leads:
                # a members' table row without its staff unit: the member's own body does it
                for m in found.members:
                    member = next(
                        (x for x in resolver.register_members if x.id == m.resolved_id), None
                    )
                    agency = resolver.member_agency(member) if member is not None else None
                    if agency is not None:
                        _add(found.leads, Field(agency.name, m.span, 0.7, agency.id, "unit"))
        if (
            not found.leads
            and not found.members
            and cand.lead_in is not None
            and not (parent and (parent.leads or parent.members))
        ):
            # items under "1. Bộ Khoa học và Công nghệ:" or "Giao Bộ Y tế chủ trì: a) …"
            inherited = lead_ins.get(cand.lead_in)
            if inherited is None:
                inherited = _lead_in_assignees(cand.lead_in, text, folded, index, resolver)
                lead_ins[cand.lead_in] = inherited
            if inherited.leads or inherited.members:
                found.leads = list(inherited.leads)
                found.members = list(inherited.members)
                found.assignee = True
                if not found.coordinators:
                    found.coordinators = list(inherited.coordinators)
        score = _score(cand, folded, found, bool(cand.fields) or bool(labelled))
        if parent is not None:
            f = folded[cand.start : cand.end]
            score = max(
                score,
                min(parent.confidence, 0.9)
                if VERB.search(f) and not _statement(f, VERB.search(f), _trigger(f, VERB.search(f)))
                else score,
            )
        if len(labelled.get("deadlines", [])) == 2:
            timed[n] = tuple(labelled["deadlines"])
        deadline = labelled.get("deadline") or _deadline(cand, folded, index)
        if deadline is None and parent is not None:
            deadline = parent.deadline
        if deadline is None and cand.fallback is not None:
            p = cand.fallback
            deadline = Field(p.text, (p.start, p.end), 0.7)
        members = found.members or (list(parent.members) if parent else [])
        leads = found.leads or (list(parent.leads) if parent else [])
        coordinators = found.coordinators or (list(parent.coordinators) if parent else [])
        key, label = cand.key, cand.label
        if not key:
            part = structure.parts[cand.part] if cand.part is not None else None
            base = part.key if part else ""
            count = sentence_counter.get(cand.part, 0) + 1
            sentence_counter[cand.part] = count
            key = f"{base}.s{count}" if base else f"s{count}"
            label = _prose_label(base, count)
        content = _content(text, topic_end or cand.start, trailing[0] if trailing else cand.end)
        if found.led_by is not None:
            content = _content(text, cand.start, found.led_by).rstrip(" ,;") + "."
        if found.work_at is not None and (found.leads or found.members) and not cand.children:
            # "Giao Thường trực Hội đồng nhân dân tỉnh, các Ban … giám sát việc …": the work
            work_text = _content(text, found.work_at, cand.end)
            content = f"{work_text[:1].upper()}{work_text[1:]}"
        work = (
            _assigning_lead_in_work(text, folded, cand.start, cand.end, index)
            if cand.children
            else None
        )
        if work is not None:
            # "Đề nghị đồng chí Bộ trưởng Bộ Công an chỉ đạo:" → "Chỉ đạo.": the work, its
            # addressee being the task's member and lead
            work_text = _content(text, work, cand.end)
            content = f"{work_text[:1].upper()}{work_text[1:].rstrip(' :')}."
        proposal = Proposal(
            key=key,
            parent_key=parent.key if parent else None,
            content=content,
            members=members,
            leads=leads,
            coordinators=coordinators,
            deadline=deadline,
            due=None,
            expected_output=labelled.get("output") or _output(cand, text, folded),
            confidence=score,
            span=(cand.start, cand.end),
            label=label,
        )
        if score < KEEP_AT and not named_heading:
            continue  # (a heading naming its items' member stays for them; it is no task)
        proposals[n] = proposal
    province = home_province(structure.header.issuer_text, resolver)
    ministry = home_ministry(structure.header.issuer_text, resolver)
    issuers = _issuing_ministries(structure.header.issuer_text, resolver)
    central = _CENTRAL_ISSUER.match(
        " ".join(fold_same_length(structure.header.issuer_text).split())
    )
    attached = _ATTACHED.search(folded, 0, min(len(folded), 2000))
    if not central and attached and province is None and ministry is None:
        # an appendix on its own ("Phụ lục … (Kèm theo Nghị quyết số 41/NQ-CP … của Chính
        # phủ)"): the body that issued the document it goes with
        central = _CENTRAL_ISSUER.match(" ".join(attached.group("body").split()))
    result: list[Proposal] = []
    named_only: set[str] = set()
    for n, proposal in enumerate(proposals):
        if proposal is None:
            continue
        cand = candidates[n]
        if cand.lead_para and not cand.children:
            continue  # "… lãnh đạo, chỉ đạo …:" with no items after it
        if (
            (cand.lead_para or not cand.is_item)
            and ":" in text[max(0, cand.end - 1) : cand.end + 1]
            and _ONLY_THE_ITEMS.search(folded, cand.start, cand.end)
        ):
            # "Đề nghị Ủy ban nhân dân tỉnh … tập trung chỉ đạo thực hiện tốt các nhiệm vụ
            # sau:": its work is the items themselves, which it only addresses
            named_only.add(proposal.key)
            continue
        if _ARTICLE_COMMENT.match(folded, cand.start) and not proposal.deadline:
            # "a) Tại khoản 2 Điều 4: đề nghị cơ quan chủ trì soạn thảo làm rõ …": an opinion
            # on an article of the draft, no work assigned
            continue
        if (
            not cand.children
            and not proposal.leads
            and not proposal.members
            and ":" in text[max(0, cand.end - 1) : cand.end + 1]
            and _ANNOUNCES.search(folded, cand.start, cand.end)
        ):
            # "Về nhiệm vụ thời gian tới, Ban Chỉ đạo yêu cầu …, cụ thể như sau:" over
            # paragraphs of prose: it announces the work that follows and names no one
            continue
        if cand.children and (
            _agency_heading(text, folded, cand.start, cand.end, index)
            or _addressee_heading(text, folded, cand.start, cand.end, index)
        ):
            # "a) Bộ Tài chính:", "- Đồng chí Lương Tam Quang, Bộ trưởng Bộ Công an:" over
            # "- …" items: it names who does them, it is no task
            named_only.add(proposal.key)
            continue
        if proposal.parent_key in named_only:
            proposal.parent_key = None
        issuer_ids = {u.id for u in issuers}
        if (
            len(issuers) > 1
            and all(f.resolved_id in issuer_ids for f in proposal.leads)
            and not proposal.members
        ):
            # a joint document: "Hai Bộ phối hợp …", "Hằng năm, hai Bộ tổ chức sơ kết …",
            # "Bộ và Tỉnh tổ chức Hội nghị sơ kết …" (the parties by their short names)
            verb = VERB.search(folded, cand.start, cand.end)
            both = _BOTH.search(folded, cand.start, verb.start()) if verb else None
            if both:
                proposal.leads = [
                    Field(u.name, _party_span(folded, both, u), 0.7, u.id, "unit") for u in issuers
                ]
                proposal.confidence = max(proposal.confidence, 0.7)
        _party_offices(proposal, resolver)
        provinces = resolver.group("các tỉnh, thành phố")
        if provinces is not None:
            # "Sở Nông nghiệp và Môi trường các tỉnh, thành phố": a department of every
            # province, so the provinces
            proposal.leads = [
                Field(provinces.name, f.span, f.confidence, provinces.id, "group")
                if _every_provinces_body(f, folded)
                else f
                for f in proposal.leads
            ]
            # "phối hợp với Sở Giáo dục và Đào tạo các tỉnh, thành phố": so are the partners
            partners: list[Field] = []
            for f in proposal.coordinators:
                if _every_provinces_body(f, folded):
                    f = Field(provinces.name, f.span, f.confidence, provinces.id, "group")
                _add(partners, f)
            proposal.coordinators = partners
        if province is not None:
            _localise(proposal, text, folded, province, (cand.start, cand.end))
        elif ministry is not None:
            _own_departments(proposal, ministry)
            # "Đơn vị phối hợp: Các đơn vị thuộc Bộ": the ministry's own units are no partners
            proposal.coordinators = [
                f
                for f in proposal.coordinators
                if not _OWN_UNITS.match(fold_same_length(f.value).lower())
            ]
            verb = VERB.search(folded, cand.start, cand.end)
            subject = (cand.start, verb.start() if verb else cand.end)
            if _OWN_UNITS.search(folded, *subject) and (
                not proposal.leads or all(_PROVINCES_ONLY.match(f.value) for f in proposal.leads)
            ):
                # "Cấp ủy, thủ trưởng các đơn vị thuộc Bộ, Công an các địa phương căn cứ …"
                proposal.leads = []
            with_department = _WITH_DEPARTMENT.search(folded, cand.start, cand.end)
            if (
                with_department
                and proposal.leads
                and all(f.resolved_id != ministry.id for f in proposal.leads)
                and all(f.resolved_id != ministry.id for f in proposal.coordinators)
            ):
                # "Đề nghị Ủy ban nhân dân các tỉnh … phối hợp với Cục Quản lý đất đai …" in the
                # ministry's own document: the provinces work with the ministry
                proposal.coordinators.append(
                    Field(ministry.name, with_department.span(), 0.7, ministry.id, "unit")
                )
            if _police(ministry):
                # the provinces' police are the ministry's own units ("Công an các tỉnh, thành
                # phố trực thuộc Trung ương" in the Public Security's own plan)
                if proposal.leads and all(
                    _PROVINCIAL_POLICE.match(folded, f.span[0])
                    or _PROVINCIAL_POLICE.match(folded, max(0, f.span[0] - 8))
                    for f in proposal.leads
                ):
                    proposal.leads = []
                if not proposal.leads and _PROVINCIAL_POLICE.search(folded, *subject):
                    proposal.leads = [
                        Field(ministry.name, (cand.start, cand.end), 0.7, ministry.id, "unit")
                    ]
            if not proposal.leads and (
                _OWN_UNITS.search(folded, *subject)
                # "1. Thủ trưởng các cơ quan, đơn vị thuộc Bộ" over the points
                or (cand.lead_in is not None and _OWN_UNITS.search(folded, *cand.lead_in))
            ):
                # "Các đơn vị thuộc Bộ cập nhật …" in the ministry's own notice: the ministry
                proposal.leads = [
                    Field(ministry.name, (cand.start, cand.end), 0.7, ministry.id, "unit")
                ]
        if central:
            # a central document's partner the register does not know ("phối hợp với Ngân hàng
            # Nhà nước Việt Nam") is a body whose work is not followed here; in an issuer's own
            # plan such a name may be one of its units, kept for the clerk to map
            proposal.coordinators = [f for f in proposal.coordinators if f.resolved_id is not None]
        _partners_not_leads(proposal)
        # "Đề nghị Tập đoàn Viettel, Công ty cổ phần FPT nghiên cứu …": enterprises are asked,
        # but the register holds no enterprise to lead
        proposal.leads = [
            f
            for f in proposal.leads
            if f.resolved_id is not None or not _ENTERPRISE.match(fold_same_length(f.value).lower())
        ]
        spans = (
            _member_assignments(cand, folded, index)
            if not cand.children and (proposal.members or proposal.leads)
            else []
        )
        if spans:
            result.extend(_assignment_proposals(proposal, spans, text, folded, index, resolver))
            continue
        second = _second_assignment(cand, text, folded, index) if not cand.children else None
        times = timed.get(n)
        if second is None and times is not None and not cand.children:
            # "Ban hành Khung …; tổ chức bồi dưỡng …" over "Thời gian: Ban hành Khung trong
            # tháng 9/2025; bồi dưỡng hằng năm": one time for each work
            second = _second_work(cand, folded)
        else:
            times = None
        if second is not None and (proposal.leads or proposal.members):
            # "… định kỳ hằng năm báo cáo Ban Bí thư; tổ chức sơ kết 2 năm … trong quý IV/2027":
            # two assignments, each with its own time, are two tasks for the same bodies
            s, e = second
            end = s - 1
            while end > cand.start and text[end - 1] in " ;":
                end -= 1
            first_deadline = _deadline(
                _Candidate(cand.start, end, "", "", inherited=cand.inherited), folded, index
            )
            later = _deadline(_Candidate(s, e, "", ""), folded, index)
            if times is not None:
                first_deadline, later = times
            proposal.content = _content(text, cand.start, end)
            proposal.span = (cand.start, end)
            proposal.deadline = first_deadline
            result.append(proposal)
            result.append(
                replace(
                    proposal,
                    key=f"{proposal.key}b",
                    label=f"{proposal.label}b" if proposal.label else "",
                    content=_content(text, s, e),
                    members=list(proposal.members),
                    leads=list(proposal.leads),
                    coordinators=list(proposal.coordinators),
                    deadline=later,
                    span=(s, e),
                    expected_output=_output(_Candidate(s, e, "", ""), text, folded),
                )
            )
            continue
        result.append(proposal)
        if cand.children or not cand.is_item or proposal.parent_key is not None:
            continue
        pieces = (
            _split_sentences(cand, text, folded)
            if (proposal.members or proposal.leads) and not table_cell(cand.fields, folded)
            else []
        )
        for k, (s, e) in enumerate(pieces, start=1):
            result.append(
                Proposal(
                    key=f"{proposal.key}.{k}",
                    parent_key=proposal.key,
                    content=_content(text, s, e),
                    members=list(proposal.members),
                    leads=list(proposal.leads),
                    coordinators=list(proposal.coordinators),
                    deadline=proposal.deadline,
                    expected_output=_output(_Candidate(s, e, "", ""), text, folded),
                    confidence=proposal.confidence,
                    span=(s, e),
                    label=f"{proposal.label}.{k}",
                )
            )
    conclusions = _minutes_conclusions(folded, structure)
    if conclusions is not None:
        result = [p for p in result if conclusions[0] <= p.span[0] < conclusions[1]]
    issuer_key = " ".join(fold_same_length(structure.header.issuer_text).split())
    if _PARTY_ISSUER.match(issuer_key):
        _no_implied_heads(result, text)
        if "chinh phu" in issuer_key:
            _government_committees(result, folded, resolver)
    return _assigned_by_reference(result, folded, resolver)


#: a Party committee below the Central Committee issuing ("ĐẢNG BỘ CHÍNH PHỦ / BAN THƯỜNG VỤ
#: ĐẢNG ỦY"): the committees it directs are its own organs
_PARTY_ISSUER = re.compile(r"(?:dang bo|dang uy|ban thuong vu dang uy) ")


_UNDER_IT = re.compile(r"cac dang uy truc thuoc(?! trung uong| tinh| thanh)")


def _government_committees(result: list[Proposal], folded: str, resolver: Resolver) -> None:
    """In the Government's Party Committee's own document, "Các đảng ủy trực thuộc" opening an
    item with no lead are the committees of the ministries and agencies: "Các bộ, ngành"."""
    group = resolver.group("Các bộ, ngành")
    if group is None:
        return
    for proposal in result:
        if proposal.leads or proposal.span is None:
            continue
        m = _UNDER_IT.match(folded, proposal.span[0])
        if m:
            proposal.leads = [Field(group.name, (m.start(), m.end()), 0.7, group.id, "group")]


def _no_implied_heads(result: list[Proposal], text: str) -> None:
    """In a Party committee's own plan the committees under it lead, their secretaries are no
    members unless named: "Đảng ủy Bộ Tài chính lãnh đạo, chỉ đạo Bộ Tài chính …" has none."""
    for proposal in result:
        proposal.members = [
            m
            for m in proposal.members
            if m.span is None
            or not (
                _PARTY_COMMITTEE.match(text[m.span[0] : m.span[1]] + " ")
                or text.startswith("Quân ủy", m.span[0])
            )
        ]


#: minutes: "BIÊN BẢN CUỘC HỌP", "BIÊN BẢN HỘI NGHỊ" opening a line of the document's head
_MINUTES = re.compile(r"(?m)^\s*bien ban\b")
#: the part of minutes where the chair concludes: "IV. KẾT LUẬN CỦA CHỦ TRÌ", "Kết luận của
#: đồng chí Bộ trưởng", "Ý kiến kết luận của chủ tọa"
_CONCLUDING = re.compile(r"(?:y kien )?ket luan(?: cua|\s*$|\s*:)")


def _minutes_conclusions(folded: str, structure: Structure) -> tuple[int, int] | None:
    """Where the chair's conclusions run in minutes of a meeting, or None: only they assign
    work; what the participants report, propose or request before them is discussion."""
    if not _MINUTES.search(folded, 0, min(len(folded), 1500)):
        return None
    tops = [
        part
        for part in structure.parts
        if part.kind == "section" and part.parent is None and part.span[0] >= structure.body_start
    ]
    for n, part in enumerate(tops):
        title = folded[part.span[0] : part.span[1]]
        title = title[len(title) - len(title.lstrip(" ivxl.-")) :] if title else ""
        if _CONCLUDING.match(title):
            end = tops[n + 1].span[0] if n + 1 < len(tops) else len(folded)
            return part.span[0], end
    return None


#: "thực hiện các nhiệm vụ tại điểm a và điểm b khoản 2 Mục II", "… tại khoản 1 Mục II"; and
#: inside it "trong đó nhiệm vụ tại điểm a phối hợp với …" (a point's own partners).
_REFERENCE = re.compile(
    r"nhiem vu tai (?P<points>(?:diem [a-z](?:(?:,| va) (?:diem )?[a-z](?![\w]))* )?)"
    r"(?:khoan (?P<clause>\d{1,2}) )?muc (?P<part>[ivxl]{1,5})(?![\w])"
)
_POINT_REFERENCE = re.compile(r"nhiem vu tai diem (?P<point>[a-z])(?![\w])(?! khoan)")
_POINT = re.compile(r"(?<![\w])([a-z])(?![\w])")


def _assigned_by_reference(
    proposals: list[Proposal], folded: str, resolver: Resolver
) -> list[Proposal]:
    """A plan whose task points name no agency and a later "Phân công thực hiện" that assigns
    them by reference ("Vụ Ngân sách nhà nước chủ trì thực hiện các nhiệm vụ tại điểm a và
    điểm b khoản 2 Mục II"): the points take the lead and partners of the item naming them,
    and that item, a distribution of work already listed, is no task of its own."""
    by_key = {p.key: p for p in proposals}
    used: set[int] = set()
    for n, proposal in enumerate(proposals):
        if not proposal.leads:
            continue
        a, b = proposal.span
        body = folded[a:b].lower()
        ref = _REFERENCE.search(body)
        if ref is None:
            continue
        part = ref.group("part").upper()
        clause = ref.group("clause")
        base = f"{part}.{clause}" if clause else part
        points = _POINT.findall(ref.group("points").replace("diem", " ").replace("va", " "))
        keys = [f"{base}.{p}" for p in points] or [
            p.key for p in proposals if p.parent_key is None and p.key.startswith(f"{base}.")
        ]
        if not points and base in by_key and not keys:
            keys = [base]
        targets = [by_key[k] for k in keys if k in by_key]
        targets = [t for t in targets if not t.leads and not t.members and t is not proposal]
        if not targets:
            continue
        # partners named after "trong đó nhiệm vụ tại điểm a phối hợp với …" go to that point
        own = list(_POINT_REFERENCE.finditer(body, ref.end()))
        extra: dict[str, list[Field]] = {}
        for k, m in enumerate(own):
            end = own[k + 1].start() if k + 1 < len(own) else len(body)
            for mention in resolver.mentions(body[m.end() : end]):
                if mention.kind == "agency" and mention.agency is not None:
                    span = (a + m.end() + mention.start, a + m.end() + mention.end)
                    extra.setdefault(m.group("point"), []).append(
                        Field(mention.agency.name, span, 0.7, mention.agency.id, "unit")
                    )
        for target in targets:
            point = target.key.rsplit(".", 1)[-1]
            partners = []
            for f in proposal.coordinators:
                at = f.span[0] - a if f.span else 0
                before = [m for m in own if m.end() <= at]
                if not before or before[-1].group("point") == point:
                    partners.append(f)
            for f in extra.get(point, []):
                if all(p.resolved_id != f.resolved_id for p in partners):
                    partners.append(f)
            target.leads = list(proposal.leads)
            target.coordinators = partners
            target.confidence = max(target.confidence, 0.7)
        used.add(n)
    return [p for n, p in enumerate(proposals) if n not in used]


#: The central bodies that issue directives: the Party's Central Committee and its boards, the
#: Politburo, the National Assembly, the Government, the Prime Minister and their offices.
_CENTRAL_ISSUER = re.compile(
    r"(?:ban chap hanh trung uong|ban chi dao trung uong|bo chinh tri|ban bi thu|quoc hoi"
    r"|uy ban thuong vu quoc hoi|chinh phu|thu tuong chinh phu|van phong chinh phu"
    r"|van phong trung uong)(?![\w])"
)
_BOTH = re.compile(
    r"(?<![\w])(?:(?:hai|ca hai|cac) bo"
    # a ministry's and a province's joint document: "Bộ và Tỉnh tổ chức hội nghị sơ kết …"
    r"|bo va (?:tinh|thanh pho)|(?:tinh|thanh pho) va bo)(?![\w])"
)
#: "(Kèm theo Nghị quyết số 41/NQ-CP ngày 06 tháng 3 năm 2026 của Chính phủ)"
_ATTACHED = re.compile(r"\(\s*kem theo [^()]{0,160}?\bcua (?P<body>[^()]{3,80}?)\s*\)")


def _party_span(folded: str, both: re.Match, party) -> tuple[int, int]:
    """Where "Bộ và Tỉnh" names ``party``: "Tỉnh" for a province, "Bộ" for a ministry."""
    province = _PROVINCE_NAME.match(fold_same_length(party.name).lower())
    words = r"tinh|thanh pho" if province else "bo"
    m = re.compile(rf"(?<![\w])(?:{words})(?![\w])").search(folded, both.start(), both.end())
    return m.span() if m else both.span()


def _issuing_ministries(header_text: str, resolver: Resolver) -> list:
    """The ministries issuing a joint document ("BỘ GIÁO DỤC VÀ ĐÀO TẠO - BỘ KHOA HỌC VÀ
    CÔNG NGHỆ" over the number), in order."""
    folded = " ".join(fold_same_length(header_text).split())
    if not folded.startswith("bo "):
        return []
    out = []
    for m in resolver.mentions(folded):
        if m.kind == "agency" and m.agency is not None and m.agency not in out:
            out.append(m.agency)
    return out


_LOCAL_BODY = re.compile(
    r"^(?:cac )?(?:so|phong|chi cuc|cong an|ubnd|uy ban nhan dan|hdnd|hoi dong nhan dan)\b"
    r"|(?<![\w])(?:tinh uy|thanh uy|huyen uy|thi uy|quan uy|dang uy xa|dang uy phuong)(?![\w])"
    r"|(?<![\w])(?:tinh|huyen|thi xa|xa|phuong|dac khu|cap huyen|cap xa|thanh pho)(?![\w])"
)
#: a province's or a city's Party committee by its name in the register
_PROVINCE_NAME = re.compile(r"(?:tinh uy|thanh uy) ")
#: "Đảng ủy các xã, phường, đặc khu": the committees of the province's communes.
_LOCAL_COMMITTEES = re.compile(r"dang uy (?:cac )?(?:xa|phuong|dac khu)(?![\w])")
#: "Bộ Khoa học và Công nghệ phối hợp với thành phố xây dựng …": the province itself.
_WITH_HOME = re.compile(r"phoi hop voi (?:tinh|thanh pho)(?![\w])")
#: Partners the conventions leave out: companies, universities, unnamed "các sở, ngành".
_NOT_RECORDED = re.compile(
    r"^(?:cac |nhung )?(?:doanh nghiep|cong ty|tap doan|truong|dai hoc|hoc vien|vien"
    # the province's newspaper and broadcaster: "Báo và Phát thanh, Truyền hình Thái Nguyên"
    r"|bao (?!cao|dam|hiem|ve)|dai phat thanh)\b"
)


_ENTERPRISE = re.compile(r"(?:cac |nhung )?(?:doanh nghiep|cong ty|tap doan|tong cong ty)\b")


def home_province(header_text: str, resolver: Resolver):
    """The province whose own directive this is ("ĐẢNG BỘ TỈNH QUẢNG NINH / TỈNH ỦY", "ỦY BAN
    NHÂN DÂN THÀNH PHỐ HÀ NỘI"): its Party committee, or None for a central document."""
    folded = " ".join(fold_same_length(header_text).split())
    if not folded:
        return None
    for key in resolver.agency_by_key:
        m = re.match(r"^(tinh|thanh) uy (.{3,})$", key)
        if m is None:
            continue
        place = m.group(2)
        kind = "tinh" if m.group(1) == "tinh" else "thanh pho"
        if re.search(rf"(?<![\w])(?:{kind}|{m.group(1)} uy) {re.escape(place)}(?![\w])", folded):
            # "ĐẢNG BỘ TỈNH QUẢNG NINH", "ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI", "TỈNH ỦY HÀ TĨNH"
            return resolver.agency(key)
    return None


def home_ministry(header_text: str, resolver: Resolver):
    """The ministry whose own document this is ("BỘ GIÁO DỤC VÀ ĐÀO TẠO" over the number),
    or None."""
    folded = " ".join(fold_same_length(header_text).split())
    if resolver.agency_pattern is None:
        return None
    # "ĐẢNG BỘ CHÍNH PHỦ / ĐẢNG ỦY BỘ KHOA HỌC VÀ CÔNG NGHỆ": the superior Party organisation
    # above the issuing committee
    folded = re.sub(r"^dang bo (?:chinh phu|cac co quan dang trung uong)\s+", "", folded)
    if folded.startswith(("bo ", "van phong ")):
        # "VĂN PHÒNG TRUNG ƯƠNG ĐẢNG": a central office's own document, its departments its own
        m = resolver.agency_pattern.match(folded)
        return resolver.agency(m.group(0)) if m else None
    if folded.startswith(("dang uy ", "ban can su dang ")):
        # "ĐẢNG ỦY CÔNG AN TRUNG ƯƠNG", "ĐẢNG ỦY BỘ TÀI CHÍNH": a ministry's Party committee
        m = resolver.agency_pattern.match(folded)
        agency = resolver.agency(m.group(0)) if m else None
        if agency is not None and _MINISTRY_COMMITTEE.match(fold_same_length(agency.name).lower()):
            return agency
    return None


#: The Party committees of ministries: "Đảng ủy Bộ …", of the police and of the army.
_MINISTRY_COMMITTEE = re.compile(r"dang uy (?:bo |cong an trung uong$)|quan uy trung uong$")


#: A ministry's own departments: "Vụ Giáo dục Đại học", "Cục Nhà giáo …", "Văn phòng Bộ".
_DEPARTMENT = re.compile(
    r"^(?:dang uy |chi bo |dang bo )?"
    r"(?:vu|cuc|tong cuc|thanh tra bo|van phong bo|thanh tra|van phong|trung tam|hoc vien)\s"
    # the ministry's Party committee's own bodies: "Ban Thường vụ Đảng ủy Bộ", "Ủy ban Kiểm
    # tra Đảng ủy Bộ", "Văn phòng Đảng ủy Bộ"
    r"|^(?:ban thuong vu|uy ban kiem tra|van phong) dang uy bo$"
)


#: A ministry's units as a whole: "Các đơn vị thuộc Bộ", "các đơn vị trực thuộc Bộ".
_OWN_UNITS = re.compile(
    r"cac (?:co quan, )?don vi (?:truc )?thuoc bo\b"
    # in a ministry's Party committee's notice, its cells and committees: "Chi bộ Vụ Pháp chế",
    # "Các chi bộ, đảng bộ trực thuộc", "Ủy ban Kiểm tra Đảng ủy Bộ"
    r"|(?<![\w])(?:cac )?chi bo\b|(?<![\w])uy ban kiem tra dang uy bo\b"
)


#: work with one of the issuing ministry's departments: "phối hợp với Cục Quản lý đất đai"
_WITH_DEPARTMENT = re.compile(
    r"phoi hop (?:chat che )?voi (?:cac )?(?:cuc|vu|tong cuc|van phong bo|thanh tra bo)\b"
)
#: a body of every province: "Sở Nông nghiệp và Môi trường các tỉnh, thành phố"
_EVERY_PROVINCES_BODY = re.compile(
    r"(?:so|cong an|chi cuc|dai phat thanh)\b[^,;]*\bcac tinh, thanh pho"
    r"(?: truc thuoc trung uong)?$"
)
#: the same where the name read stops short of the provinces ("Sở Giáo dục" of "Sở Giáo dục
#: và Đào tạo các tỉnh, thành phố"): the text from the name on
_EVERY_PROVINCES_BODY_AT = re.compile(
    r"(?:so|cong an|chi cuc|dai phat thanh)\b[^,;()]{0,80}?\bcac tinh, thanh pho\b"
)


def _every_provinces_body(f: Field, folded: str) -> bool:
    if f.resolved_id is not None:
        return False
    value = fold_same_length(f.value).lower()
    if _EVERY_PROVINCES_BODY.match(value):
        return True
    return (
        f.span is not None
        and value.startswith(("so ", "cong an ", "chi cuc "))
        and _EVERY_PROVINCES_BODY_AT.match(folded, f.span[0]) is not None
    )


#: Leads that are only the provinces' group, read from "Công an các địa phương" and the like.
_PROVINCES_ONLY = re.compile(r"^Các tỉnh, thành phố$")
#: The provinces' police: "Công an các tỉnh, thành phố …", "Công an các địa phương".
_PROVINCIAL_POLICE = re.compile(
    r"(?:giao )?cong an (?:cac (?:tinh|dia phuong|don vi, dia phuong)|cap tinh|tinh, thanh pho)"
)


def _police(ministry) -> bool:
    return fold_same_length(ministry.name).lower() == "dang uy cong an trung uong"


def _own_departments(proposal: Proposal, ministry) -> None:
    """In a ministry's own document its departments (Vụ, Cục) act for the ministry: an agency
    the register does not know and that is named as a department is the ministry."""

    def own(fields: list[Field]) -> list[Field]:
        out: list[Field] = []
        for f in fields:
            if f.resolved_id is None and _DEPARTMENT.match(fold_same_length(f.value).lower()):
                f = Field(ministry.name, f.span, f.confidence, ministry.id, "unit")
            if not any(o.resolved_id is not None and o.resolved_id == f.resolved_id for o in out):
                out.append(f)
        return out

    proposal.leads = own(proposal.leads)
    proposal.coordinators = own(proposal.coordinators)


def _partners_not_leads(proposal: Proposal) -> None:
    """A coordinating agency that is the lead itself ("Giao Ủy ban … của Quốc hội chủ trì, phối
    hợp với các Ủy ban của Quốc hội") is not repeated."""
    leads = {(f.resolved_kind, f.resolved_id) for f in proposal.leads if f.resolved_id is not None}
    if leads:
        proposal.coordinators = [
            f for f in proposal.coordinators if (f.resolved_kind, f.resolved_id) not in leads
        ]


def _localise(
    proposal: Proposal, text: str, folded: str, province, cand_span: tuple[int, int]
) -> None:
    """In a province's own programme every body of the province (its boards, departments,
    People's Committee, police, districts) acts for the province: the lead is the province's
    Party committee and its own bodies are no partners; bodies outside it (a ministry) stay."""

    def local(f: Field) -> bool:
        if f.resolved_kind == "unit" and f.resolved_id == province.id:
            return True
        if f.resolved_kind == "group":
            return False
        if f.resolved_id is not None and _PROVINCE_NAME.match(fold_same_length(f.value).lower()):
            # "Ủy ban nhân dân tỉnh An Giang" in Đồng Tháp's notice: a neighbour, not a body
            # of the province
            return False
        written = " ".join(folded[f.span[0] : f.span[1]].split())
        if f.resolved_id is None and _LOCAL_COMMITTEES.match(folded, f.span[0]):
            return True
        if f.resolved_id is not None and not _LOCAL_BODY.search(written):
            return False
        return bool(_LOCAL_BODY.search(written)) or bool(_NOT_RECORDED.match(written))

    home = Field(province.name, cand_span, 0.7, province.id, "unit")
    leads = [f for f in proposal.leads if not local(f)]
    if len(leads) < len(proposal.leads):
        leads.insert(0, home)
    elif not proposal.leads:
        a, b = cand_span
        verb = VERB.search(folded, a, b)
        subject = folded[a : verb.start() if verb else a]
        if _IMPERATIVE.match(folded, a):
            subject = ""  # "Tiếp tục triển khai Đề án 06 …": work with no one before it
        if _LOCAL_BODY.search(subject) or not subject.strip(" ,;:-"):
            leads = [home]
    proposal.leads = leads
    outside = bool(leads) and all(f.resolved_id != province.id for f in leads)
    proposal.coordinators = [
        f
        for f in proposal.coordinators
        # "Bộ … chủ trì, phối hợp với Ủy ban nhân dân tỉnh …" in a ministry's and a
        # province's joint document: the province is the partner of a body outside it
        if not local(f) or (outside and f.resolved_id == province.id)
    ]
    with_home = _WITH_HOME.search(folded, *cand_span)
    if (
        with_home
        # the lead's own work, not "phân công đơn vị đầu mối phối hợp với tỉnh"
        and any(with_home.start() - 2 <= f.span[1] <= with_home.start() for f in proposal.leads)
        and not text[with_home.end() + 1 : with_home.end() + 2].isupper()
        and all(f.resolved_id != province.id for f in proposal.leads + proposal.coordinators)
    ):
        # a central body asked to work "with the city" has the city as its partner
        proposal.coordinators.append(
            Field(province.name, with_home.span(), 0.7, province.id, "unit")
        )


_WHITESPACE = re.compile(r"\s+")


#: In an urging letter, the reference to the earlier assignment and its old time ("(giao tại
#: Thông báo số 12-TB/BCĐTW, thời hạn quý II/2025)") and the new time after the work.
_RESTATED = re.compile(
    r"\s*\((?:giao tại|thời hạn|theo Thông báo|tại Thông báo)[^()]*\)"
    r"|\s*[;,]?\s*thời hạn mới\s*:[^;]*$",
    re.IGNORECASE,
)


def _content(text: str, a: int, b: int) -> str:
    content = _WHITESPACE.sub(" ", text[a:b]).strip()
    if "hời hạn" in content or "giao tại" in content:
        content = _RESTATED.sub("", content).rstrip(" ;,")
    return content


__all__ += ["FIELD_LABELS", "SECTION_STYLES"]
