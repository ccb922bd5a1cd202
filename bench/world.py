"""The fixed facts of the synthetic national data set: the 34 provinces, the
departments and commune units, the plan areas, the task catalogue and the
two escalation policies (those of config/policies.yaml). Data only."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dondoc.engine.calendar import VN_TZ

NOW = datetime(2025, 11, 11, 9, 0, tzinfo=VN_TZ)  # a Tuesday, the day after the annual reports were due
TODAY = NOW.date()
LAST_SWEEP = TODAY - timedelta(days=7)  # the state on disk is what a sweep on this day left
SPAN = (date(2025, 1, 1), date(2026, 12, 31))
HORIZON = TODAY + timedelta(days=400)  # dondoc.store.loader.HORIZON: nothing further out exists yet
REPORT_DATES = ((10, 5), (10, 11))  # báo cáo 6 tháng trước 10/5, báo cáo năm trước 10/11

# (slug, name, communes): the 34 provinces and cities since 01/07/2025 with their
# real names and commune counts (3,321 in all; vietnam-provinces 2025.10.1, checked
# by tests/bench/test_geography.py), scaled to Shape.communes.
PROVINCES = (
    ("ha-noi", "Thành phố Hà Nội", 126), ("hue", "Thành phố Huế", 40), ("lai-chau", "Lai Châu", 38),
    ("dien-bien", "Điện Biên", 45), ("son-la", "Sơn La", 75), ("lang-son", "Lạng Sơn", 65),
    ("quang-ninh", "Quảng Ninh", 54), ("thanh-hoa", "Thanh Hóa", 166), ("nghe-an", "Nghệ An", 130),
    ("ha-tinh", "Hà Tĩnh", 69), ("cao-bang", "Cao Bằng", 56), ("tuyen-quang", "Tuyên Quang", 124),
    ("lao-cai", "Lào Cai", 99), ("thai-nguyen", "Thái Nguyên", 92), ("phu-tho", "Phú Thọ", 148),
    ("bac-ninh", "Bắc Ninh", 99), ("hung-yen", "Hưng Yên", 104), ("hai-phong", "Thành phố Hải Phòng", 114),
    ("ninh-binh", "Ninh Bình", 129), ("quang-tri", "Quảng Trị", 78), ("da-nang", "Thành phố Đà Nẵng", 94),
    ("quang-ngai", "Quảng Ngãi", 96), ("gia-lai", "Gia Lai", 135), ("khanh-hoa", "Khánh Hòa", 65),
    ("lam-dong", "Lâm Đồng", 124), ("dak-lak", "Đắk Lắk", 102), ("ho-chi-minh", "Thành phố Hồ Chí Minh", 168),
    ("dong-nai", "Đồng Nai", 95), ("tay-ninh", "Tây Ninh", 96), ("can-tho", "Thành phố Cần Thơ", 103),
    ("vinh-long", "Vĩnh Long", 124), ("dong-thap", "Đồng Tháp", 102), ("ca-mau", "Cà Mau", 64),
    ("an-giang", "An Giang", 102),
)

# Provincial departments and bodies: (code, name, sub-offices (code, name)).
DEPARTMENTS = (
    ("vp-ubnd", "Văn phòng UBND tỉnh", ()), ("so-noi-vu", "Sở Nội vụ", (("p-cchc", "Phòng Cải cách hành chính"),)),
    ("so-tu-phap", "Sở Tư pháp", ()), ("so-tai-chinh", "Sở Tài chính", ()), ("so-cong-thuong", "Sở Công Thương", ()),
    ("so-nn-mt", "Sở Nông nghiệp và Môi trường", (("chi-cuc-ptnt", "Chi cục Phát triển nông thôn"),)),
    ("so-xay-dung", "Sở Xây dựng", ()), ("so-vh-tt-dl", "Sở Văn hóa, Thể thao và Du lịch", ()),
    ("so-kh-cn", "Sở Khoa học và Công nghệ", (("p-cds", "Phòng Chuyển đổi số"),)),
    ("so-gd-dt", "Sở Giáo dục và Đào tạo", ()),
    ("so-y-te", "Sở Y tế", (("p-ds-te", "Phòng Dân số - Trẻ em"), ("p-bttxh", "Phòng Bảo trợ xã hội"))),
    ("so-dan-toc-ton-giao", "Sở Dân tộc và Tôn giáo", ()), ("thanh-tra", "Thanh tra tỉnh", ()),
    ("cong-an", "Công an tỉnh", (("p-csht", "Phòng Cảnh sát hình sự"),)),
    ("bo-chqs", "Bộ Chỉ huy Quân sự tỉnh", ()), ("tinh-doan", "Tỉnh đoàn", ()),
    ("hoi-lhpn", "Hội Liên hiệp Phụ nữ tỉnh", ()), ("mttq", "Ủy ban MTTQ Việt Nam tỉnh", ()),
    ("ldld", "Liên đoàn Lao động tỉnh", ()), ("so-ngoai-vu", "Sở Ngoại vụ", ()),
)

# Commune units under the UBND xã: (role, name prefix, level). The first is every plan's focal.
COMMUNE_UNITS = (
    ("cc-vhxh", "Công chức Văn hóa - Xã hội", "commune_official"),
    ("cc-vptk", "Công chức Văn phòng - Thống kê", "commune_official"),
    ("cong-an", "Công an", "commune_unit"), ("tram-y-te", "Trạm Y tế", "commune_unit"),
    ("truong-mn", "Trường Mầm non", "commune_unit"), ("truong-th", "Trường Tiểu học", "commune_unit"),
    ("truong-thcs", "Trường THCS", "commune_unit"), ("doan-tn", "Đoàn Thanh niên", "commune_unit"),
    ("hoi-pn", "Hội Liên hiệp Phụ nữ", "commune_unit"),
)
SCHOOL_BRANCH_EVERY = 3  # one commune in three has a school branch under its primary school (depth 3);
# elsewhere the branch's tasks fall to the primary school itself

SYLLABLES_A = ("An", "Bình", "Thanh", "Phú", "Tân", "Hòa", "Long", "Đông", "Xuân", "Hưng", "Minh", "Quang", "Vĩnh",
               "Trung", "Nam", "Bắc", "Phước", "Thạnh", "Đức", "Kim")
SYLLABLES_B = ("Lĩnh", "Sơn", "Thủy", "Lộc", "Phong", "Hà", "Lâm", "Mỹ", "Thịnh", "Yên", "Hải", "Điền", "Tiến",
               "Thành", "Lợi", "Khánh", "Hội", "Tây", "Châu", "Giang")


@dataclass(frozen=True)
class Area:
    """A plan area (lĩnh vực): one province plan per province and one commune plan per commune."""

    slug: str
    topic: str
    province_focal: str  # department code
    commune_focal: str = "cc-vhxh"


AREAS = (
    Area("tre-em", "công tác trẻ em", "so-y-te"),
    Area("ma-tuy", "phòng, chống ma túy", "cong-an"),
    Area("binh-dang-gioi", "bình đẳng giới", "so-noi-vu"),
    Area("chuyen-doi-so", "chuyển đổi số", "so-kh-cn", "cc-vptk"),
    Area("nong-thon-moi", "xây dựng nông thôn mới", "so-nn-mt", "cc-vptk"),
    Area("cai-cach-hanh-chinh", "cải cách hành chính", "so-noi-vu", "cc-vptk"),
    Area("phong-chong-thien-tai", "phòng, chống thiên tai", "bo-chqs"),
    Area("an-toan-thuc-pham", "an toàn thực phẩm", "so-y-te"),
    Area("giao-duc", "phổ cập giáo dục", "so-gd-dt"),
    Area("van-hoa", "xây dựng đời sống văn hóa", "so-vh-tt-dl"),
)
OCCURRENCES_PER_AREA = 500_000  # DESIGN.md: one plan area is ~0.5 M occurrences a year

# Recurrences: ("month"|"quarter"|"half"|"continuous"|"event",) or ("year", day, month) or ("deadline", iso date).
# Task templates: (title with {t} for the topic, timeframe as written, recurrence, lead, supports).
COMMUNE_TASKS = (
    ("Ban hành kế hoạch thực hiện {t} năm 2026", "Quý IV/2025", ("deadline", "2025-12-31"), "cc-vptk", ()),
    ("Tuyên truyền, phổ biến pháp luật về {t}", "Hằng tháng", ("month",), "cc-vhxh", ("doan-tn", "hoi-pn")),
    ("Rà soát, cập nhật số liệu {t}", "Hằng quý", ("quarter",), "cc-vptk", ("cc-vhxh",)),
    ("Kiểm tra việc thực hiện {t} tại thôn, bản", "Định kỳ 6 tháng", ("half",), "cc-vhxh", ("cong-an",)),
    ("Tổ chức hội nghị sơ kết {t}", "Tháng 10/2025", ("deadline", "2025-10-31"), "cc-vhxh", ("hoi-pn",)),
    ("Lồng ghép nội dung {t} trong hoạt động nhà trường", "Thường xuyên trong năm", ("continuous",), "truong-th",
     ("truong-mn", "truong-thcs")),
    ("Chăm sóc sức khỏe ban đầu gắn với {t}", "Hằng quý", ("quarter",), "tram-y-te", ()),
    ("Giải quyết vụ việc phát sinh về {t}", "Theo các vụ việc, vấn đề", ("event",), "cong-an", ("cc-vhxh",)),
    ("Huy động nguồn lực thực hiện {t}", "Định kỳ hằng năm trước ngày 10/12", ("year", 10, 12), "cc-vptk", ()),
    ("Bồi dưỡng kỹ năng cho người làm {t}", "Tháng 6 năm 2026", ("deadline", "2026-06-30"), "cc-vhxh", ()),
    ("Tổ chức diễn đàn thanh niên về {t}", "trước ngày 25/11", ("deadline", "2025-11-25"), "doan-tn", ("truong-thcs",)),
    ("Vận động hội viên tham gia {t}", "Hằng tháng", ("month",), "hoi-pn", ()),
    ("Giữ an ninh trật tự gắn với {t}", "Hằng tháng", ("month",), "cong-an", ()),
    ("Theo dõi trẻ mầm non trong chương trình {t}", "Hằng quý", ("quarter",), "truong-mn", ("tram-y-te",)),
    ("Đánh giá kết quả {t} ở trường THCS", "Định kỳ 6 tháng", ("half",), "truong-thcs", ()),
    ("Cập nhật cơ sở dữ liệu {t} lên hệ thống", "Quý II/2026", ("deadline", "2026-06-30"), "cc-vptk", ()),
    ("Tổ chức hoạt động {t} tại điểm trường", "Hằng quý", ("quarter",), "diem-truong", ("truong-th",)),
    ("Tọa đàm về {t} nhân ngày Phụ nữ Việt Nam", "trước ngày 28/10", ("deadline", "2025-10-28"), "hoi-pn", ()),
)
PROVINCE_TASKS = (
    ("Hướng dẫn các xã triển khai {t}", "Quý IV/2025", ("deadline", "2025-12-31"), "focal", ()),
    ("Tổng hợp, báo cáo số liệu {t} toàn tỉnh", "Hằng quý", ("quarter",), "focal", ("so-tai-chinh",)),
    ("Bố trí kinh phí thực hiện {t}", "Định kỳ hằng năm trước ngày 10/12", ("year", 10, 12), "so-tai-chinh", ()),
    ("Thanh tra, kiểm tra việc thực hiện {t}", "Định kỳ 6 tháng", ("half",), "thanh-tra", ("focal",)),
    ("Tuyên truyền trên báo chí về {t}", "Hằng tháng", ("month",), "so-vh-tt-dl", ()),
    ("Ứng dụng công nghệ thông tin trong {t}", "Quý II/2026", ("deadline", "2026-06-30"), "so-kh-cn", ()),
    ("Đưa nội dung {t} vào nhà trường", "Thường xuyên trong năm", ("continuous",), "so-gd-dt", ()),
    ("Xử lý vi phạm pháp luật về {t}", "Theo các vụ việc, vấn đề", ("event",), "cong-an", ()),
    ("Phổ biến, giáo dục pháp luật về {t}", "Hằng quý", ("quarter",), "so-tu-phap", ()),
    ("Vận động đoàn viên, thanh niên tham gia {t}", "Tháng 10/2025", ("deadline", "2025-10-31"), "tinh-doan", ()),
    ("Giám sát việc thực hiện {t}", "Định kỳ 6 tháng", ("half",), "mttq", ()),
    ("Kiện toàn bộ máy làm công tác {t}", "Tháng 12/2025", ("deadline", "2025-12-31"), "so-noi-vu", ()),
    ("Sơ kết 10 tháng thực hiện {t}", "trước ngày 28/10", ("deadline", "2025-10-28"), "focal", ()),
)
TASKS_PER_COMMUNE_PLAN = 40  # DESIGN.md: ~40 tasks per commune; the catalogue is cycled with these variants
VARIANTS = ("ở thôn, bản, tổ dân phố", "trong trường học", "cho nhóm yếu thế")
REPORTING = (("Báo cáo 6 tháng", "10/05"), ("Báo cáo năm", "10/11"))

POLICIES = {
    "default": dict(steps=[
        {"at": "-5 working days", "notify": ["lead"], "template": "due_soon"},
        {"at": "+1 day", "notify": ["lead"], "cc": ["focal"], "template": "overdue", "level": 1},
        {"at": "+5 working days", "notify": ["lead", "lead.parent"], "cc": ["focal"], "template": "escalated", "level": 2},
        {"at": "+10 working days", "notify": ["issuer"], "cc": ["focal", "lead"], "template": "escalated", "level": 3},
    ], repeat_every="7 days"),
    "commune": dict(steps=[
        {"at": "-3 working days", "notify": ["lead"], "template": "due_soon"},
        {"at": "+1 day", "notify": ["lead"], "cc": ["focal"], "template": "overdue", "level": 1},
        {"at": "+3 working days", "notify": ["lead", "lead.parent"], "cc": ["focal"], "template": "escalated", "level": 2},
        {"at": "+7 working days", "notify": ["issuer"], "cc": ["focal", "lead"], "template": "escalated", "level": 3},
    ], repeat_every="7 days"),
}
