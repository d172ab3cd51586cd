"""The 34 provincial-level units since 1 July 2025, shipped as default data.

Codes are the official ones of Decision 19/2025/QĐ-TTg (names and codes of administrative
units); they are stable, names are not. Names here are the short forms without "Tỉnh" or
"Thành phố": Đồng Nai (30/4/2026), Quảng Ninh (1/9/2026) and Bắc Ninh (20/9/2026) have since
become centrally run cities, and a short name stays right through such changes. Kinds follow
the 2025 decision; `outreach-bot units import` updates names and kinds from an official list.
"""

from __future__ import annotations

PROVINCES: tuple[tuple[str, str, str], ...] = (
    ("01", "Hà Nội", "city"),
    ("04", "Cao Bằng", "province"),
    ("08", "Tuyên Quang", "province"),
    ("11", "Điện Biên", "province"),
    ("12", "Lai Châu", "province"),
    ("14", "Sơn La", "province"),
    ("15", "Lào Cai", "province"),
    ("19", "Thái Nguyên", "province"),
    ("20", "Lạng Sơn", "province"),
    ("22", "Quảng Ninh", "province"),
    ("24", "Bắc Ninh", "province"),
    ("25", "Phú Thọ", "province"),
    ("31", "Hải Phòng", "city"),
    ("33", "Hưng Yên", "province"),
    ("37", "Ninh Bình", "province"),
    ("38", "Thanh Hóa", "province"),
    ("40", "Nghệ An", "province"),
    ("42", "Hà Tĩnh", "province"),
    ("44", "Quảng Trị", "province"),
    ("46", "Huế", "city"),
    ("48", "Đà Nẵng", "city"),
    ("51", "Quảng Ngãi", "province"),
    ("52", "Gia Lai", "province"),
    ("56", "Khánh Hòa", "province"),
    ("66", "Đắk Lắk", "province"),
    ("68", "Lâm Đồng", "province"),
    ("75", "Đồng Nai", "province"),
    ("79", "Hồ Chí Minh", "city"),
    ("80", "Tây Ninh", "province"),
    ("82", "Đồng Tháp", "province"),
    ("86", "Vĩnh Long", "province"),
    ("91", "An Giang", "province"),
    ("92", "Cần Thơ", "city"),
    ("96", "Cà Mau", "province"),
)
