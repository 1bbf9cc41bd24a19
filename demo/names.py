"""Vietnamese names and places with plausible shares, for demo data."""

# (surname, weight): shares of the most common Vietnamese family names.
SURNAMES = [
    ("Nguyễn", 380), ("Trần", 110), ("Lê", 95), ("Phạm", 70), ("Hoàng", 30), ("Huỳnh", 21),
    ("Phan", 45), ("Vũ", 25), ("Võ", 15), ("Đặng", 21), ("Bùi", 20), ("Đỗ", 14), ("Hồ", 13),
    ("Ngô", 13), ("Dương", 10), ("Lý", 5), ("Đinh", 8), ("Trịnh", 6), ("Đào", 6), ("Mai", 5),
    ("Lương", 4), ("Tạ", 3), ("Hà", 4), ("Chu", 2), ("Lò", 2), ("Triệu", 2),
]
MIDDLE_MALE = ["Văn", "Văn", "Văn", "Hữu", "Đức", "Minh", "Quang", "Công", "Đình", "Xuân", "Thanh", "Mạnh", "Ngọc", "Tiến", "Trọng"]
MIDDLE_FEMALE = ["Thị", "Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Kim", "Minh", "Hồng", "Bích", "Phương", "Diệu", "Mai"]
GIVEN_MALE = [
    "Anh", "Bình", "Cường", "Dũng", "Đạt", "Đức", "Giang", "Hải", "Hiếu", "Hòa", "Hùng", "Huy", "Khánh",
    "Khoa", "Kiên", "Lâm", "Long", "Lộc", "Minh", "Nam", "Nghĩa", "Phong", "Phúc", "Quân", "Quang",
    "Sơn", "Tài", "Thắng", "Thành", "Thịnh", "Toàn", "Trung", "Tuấn", "Tùng", "Việt", "Vinh", "Vũ",
]
GIVEN_FEMALE = [
    "An", "Anh", "Bích", "Châu", "Chi", "Diệp", "Dung", "Duyên", "Giang", "Hà", "Hạnh", "Hằng", "Hiền",
    "Hoa", "Hồng", "Huệ", "Hương", "Lan", "Liên", "Linh", "Loan", "Mai", "My", "Nga", "Ngân", "Ngọc",
    "Nhung", "Oanh", "Phương", "Quyên", "Tâm", "Thảo", "Thu", "Thủy", "Trang", "Tuyết", "Vân", "Yến",
]
# (ethnicity, weight) among party members of a mixed lowland/upland province.
ETHNICITIES = [
    ("Kinh", 850), ("Tày", 25), ("Thái", 22), ("Mường", 18), ("Khmer", 15), ("Hoa", 10), ("Nùng", 12),
    ("H'Mông", 10), ("Dao", 8), ("Gia Rai", 5), ("Ê Đê", 5), ("Sán Chay", 3),
]
# (religion, weight): most members follow no religion; religious members are counted.
RELIGIONS = [("", 950), ("Phật giáo", 28), ("Công giáo", 14), ("Tin Lành", 3), ("Cao Đài", 3), ("Hòa Hảo", 2)]

COMMUNE_PREFIXES = ["xã", "xã", "xã", "phường"]
PLACE_NAMES = [
    "Tân Hòa", "An Phú", "Hòa Bình", "Đông Sơn", "Thạch Thất", "Phú Lương", "Yên Hưng", "Tiên Lãng",
    "Bình Minh", "Quảng Thành", "Nghĩa Hưng", "Thanh Sơn", "Kim Liên", "Hương Trà", "Lạc Long",
    "Vĩnh Lộc", "Trường Xuân", "Hải Châu", "Mỹ Đức", "Sơn Tây", "Phước Long", "Định Hóa", "Lộc Ninh",
    "Cẩm Giàng", "Tam Nông", "Ninh Phước", "Đức Phổ", "Gia Lâm", "Xuân Trường", "Bắc Sơn",
]
HAMLETS = ["thôn Đông", "thôn Đoài", "thôn Nam", "thôn Bắc", "thôn Thượng", "thôn Hạ", "thôn Trung", "xóm Mới", "khu phố 1", "khu phố 2", "khu phố 3"]
AGENCY_CELLS = [
    "Cơ quan Đảng - Đoàn thể", "Cơ quan Ủy ban nhân dân", "Công an", "Quân sự", "Trạm Y tế",
    "Trường Mầm non", "Trường Tiểu học", "Trường THCS", "Hợp tác xã Nông nghiệp", "Công ty TNHH May Hòa Phát",
]
WORKPLACES_STATE = ["Ủy ban nhân dân xã", "Trường Tiểu học", "Trạm Y tế", "Công an xã", "Trường THCS", "Bưu điện văn hóa xã"]
WORKPLACES_NON_STATE = ["Công ty TNHH May Hòa Phát", "Hợp tác xã Nông nghiệp", "Công ty CP Xây dựng An Phát", "Doanh nghiệp tư nhân Minh Long"]
THEMATIC_TOPICS = [
    "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
    "Nâng cao chất lượng sinh hoạt chi bộ",
    "Xây dựng nông thôn mới kiểu mẫu",
    "Phòng, chống suy thoái tư tưởng chính trị, đạo đức, lối sống",
    "Chuyển đổi số trong công tác đảng",
    "Công tác phát triển đảng viên trong thanh niên",
]
REGULAR_AGENDA = (
    "1. Đánh giá tình hình thực hiện nhiệm vụ tháng\n"
    "2. Báo cáo thu, nộp đảng phí\n"
    "3. Thảo luận, phê bình và tự phê bình\n"
    "4. Phương hướng, nhiệm vụ tháng tới\n"
    "5. Biểu quyết nghị quyết"
)
DRAFT_RESOLUTION = (
    "1. Tiếp tục quán triệt, triển khai các nghị quyết, chỉ thị của cấp trên.\n"
    "2. Vận động nhân dân tham gia xây dựng nông thôn mới, giữ gìn vệ sinh môi trường.\n"
    "3. Thu, nộp đảng phí đầy đủ, đúng hạn; 100% đảng viên tham gia sinh hoạt.\n"
    "4. Phân công đảng viên phụ trách hộ gia đình, nắm tình hình dư luận."
)
DEMO_DOCUMENT_HTML = """<html lang="vi"><head><meta charset="utf-8"><style>
@page { size: A4; margin: 2cm; } body { font-family: "DejaVu Serif", serif; font-size: 13pt; }
h1 { font-size: 15pt; text-align: center; }</style></head><body>
<p>ĐẢNG CỘNG SẢN VIỆT NAM</p>
<h1>BÁO CÁO TÌNH HÌNH THỰC HIỆN NHIỆM VỤ THÁNG</h1>
<p>1. Tình hình chính trị, tư tưởng của đảng viên ổn định; đảng viên gương mẫu thực hiện
chủ trương của Đảng, chính sách, pháp luật của Nhà nước.</p>
<p>2. Công tác thu, nộp đảng phí: đạt 100% kế hoạch.</p>
<p>3. Phương hướng tháng tới: tập trung phòng, chống thiên tai; vận động nhân dân
tham gia xây dựng nông thôn mới.</p>
<p><em>(Tài liệu mẫu của trang trình diễn.)</em></p>
</body></html>"""
DRAFT_COMMENTS = [
    "Đề nghị bổ sung chỉ tiêu vận động 100% hộ gia đình tham gia vệ sinh môi trường.",
    "Nên giao cụ thể đảng viên phụ trách từng tổ dân cư, có thời hạn báo cáo.",
    "Thống nhất với dự thảo.",
]
