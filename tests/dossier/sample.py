"""A realistic dossier: a level-I source zone at Guanting Reservoir, two photos, a lead."""

import hashlib
import io
from datetime import datetime, timedelta, timezone

from PIL import Image, ImageDraw

from app.dossier import DossierContent, DossierFile, MapFeature

CST = timezone(timedelta(hours=8))
CATEGORY = "饮用水水源保护区违法建设"
TITLE = "官厅水库一级保护区内违规搭建养殖大棚"


def jpeg(seed: int) -> bytes:
    """A small real JPEG: a field, a shed and some noise that differs per seed."""
    img = Image.new("RGB", (160, 120), (110, 150, 90))
    draw = ImageDraw.Draw(img)
    draw.rectangle((40 + seed * 10, 40, 110 + seed * 10, 90), fill=(200, 200, 210))
    draw.polygon(
        [(35 + seed * 10, 40), (75 + seed * 10, 15), (115 + seed * 10, 40)], fill=(90, 90, 100)
    )
    for i in range(0, 160, 7):
        draw.point((i, (i * (seed + 3)) % 120), fill=(250, 240, 0))
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=85)
    return out.getvalue()


def ring(x0: float, y0: float, x1: float, y1: float) -> list[list[float]]:
    return [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]


def make_content() -> DossierContent:
    photos = [
        DossierFile("IMG_20240512_101500.jpg", jpeg(0), "image/jpeg", "群众随手拍：大棚正面"),
        DossierFile("无人机航拍_01.jpg", jpeg(1), "image/jpeg", "无人机航拍：大棚与库岸"),
    ]
    sha = [hashlib.sha256(p.data).hexdigest() for p in photos]
    created = datetime(2024, 5, 12, 10, 30, tzinfo=CST)
    timeline = [
        (created, "志愿者 王某", "提交线索", "随手拍上报，附照片 1 张"),
        (created + timedelta(hours=3), "系统", "地理编码", "位于官厅水库饮用水水源一级保护区内"),
        (created + timedelta(days=1), "检察官 李某", "补充证据", "无人机航拍 1 张"),
    ]
    return DossierContent(
        lead_id=42,
        title=TITLE,
        category_label=CATEGORY,
        status_label="待核实",
        organisation="张家口市人民检察院",
        created_at=created,
        generated_at=datetime(2024, 5, 20, 9, 0, tzinfo=CST),
        generated_by="检察官 李某",
        score_total=78.5,
        sources=[
            {"channel": "随手拍（志愿者举报） citizen report", "count": 2, "first": created,
             "last": created + timedelta(days=1), "from": "志愿者账户 volunteer #7"},
        ],
        assessments=[
            {"at": created + timedelta(days=2), "step": "线索评估 lead assessed",
             "by": "检察官 李某", "note": "初查：水源一级保护区内倾倒建筑垃圾"},
        ],
        handling=[("办案路径 Case path", "未立案 not filed")],
        parties=[("行为人或责任主体 Responsible party", "待调查 not yet established")],
        score_entries=[
            {
                "name": "zone",
                "label": "保护区级别",
                "value": "一级",
                "weight": 0.4,
                "points": 40.0,
                "reason": "位于一级保护区内",
            },
            {
                "name": "evidence",
                "label": "证据充分性",
                "value": 2,
                "weight": 0.3,
                "points": 22.5,
                "reason": "两张原始照片，含 EXIF 位置",
            },
            {
                "name": "distance",
                "label": "距取水口距离",
                "value": "850 m",
                "weight": 0.3,
                "points": 16.0,
                "reason": "距取水口不足 1 km",
            },
        ],
        legal_bases=[
            {
                "law": "《中华人民共和国水污染防治法》",
                "article": "第六十五条",
                "text": (
                    "禁止在饮用水水源一级保护区内新建、改建、扩建与供水设施和保护水源无关的"
                    "建设项目。"
                ),
                "missing": ["建设单位身份", "建设时间"],
            },
            {
                "law": "《中华人民共和国行政诉讼法》",
                "article": "第二十五条第四款",
                "text": "人民检察院在履行职责中发现……",
                "missing": [],
            },
        ],
        geocode_summary=[
            ("所在保护区 Zone", "官厅水库饮用水水源一级保护区"),
            ("行政区 District", "河北省张家口市怀来县"),
            ("参照图层版本 Layer version", "source-zones 2024-03 (sha256 3f2a…)"),
        ],
        timeline=[
            {
                "at": at,
                "actor": actor,
                "action": action,
                "note": note,
                "entry_hash": hashlib.sha256(f"{i}{action}".encode()).hexdigest(),
            }
            for i, (at, actor, action, note) in enumerate(timeline)
        ],
        evidence=[
            {
                "n": 1,
                "kind": "照片",
                "taken_at": created - timedelta(minutes=20),
                "location": (115.655, 40.352),
                "source": "群众随手拍",
                "sha256": sha[0],
                "flags": ["EXIF 位置"],
                "file_name": photos[0].name,
            },
            {
                "n": 2,
                "kind": "无人机航拍",
                "taken_at": created + timedelta(days=1),
                "location": (115.661, 40.347),
                "source": "检察院无人机",
                "sha256": sha[1],
                "flags": [],
                "file_name": photos[1].name,
            },
        ],
        map_features=[
            MapFeature(
                {
                    "type": "Polygon",
                    "coordinates": [
                        ring(115.57, 40.27, 115.73, 40.43),
                        ring(115.6, 40.3, 115.7, 40.4),
                    ],
                },
                "二级保护区",
                "zone_II",
            ),
            MapFeature(
                {"type": "Polygon", "coordinates": [ring(115.6, 40.3, 115.7, 40.4)]},
                "官厅水库一级保护区",
                "zone_I",
            ),
            MapFeature(
                {
                    "type": "Polygon",
                    "coordinates": [
                        [
                            [115.62, 40.33],
                            [115.67, 40.32],
                            [115.68, 40.36],
                            [115.64, 40.38],
                            [115.62, 40.33],
                        ]
                    ],
                },
                "官厅水库",
                "water",
            ),
            MapFeature({"type": "Point", "coordinates": [115.655, 40.352]}, "1", "evidence"),
            MapFeature({"type": "Point", "coordinates": [115.661, 40.347]}, "2", "evidence"),
            MapFeature({"type": "Point", "coordinates": [115.645, 40.362]}, "线索 #42", "lead"),
        ],
        files=photos,
    )
