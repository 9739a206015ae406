"""Draw the documents for the Coldharbour Lay-by scenario (scenarios/layby-drop.yaml).

Run from anywhere:

    QT_QPA_PLATFORM=offscreen python tools/make_layby_documents.py

It writes PNG files into assets/layby-drop/ (from the repository root):

- layby-map.png       a sketch map of the lay-by on the A318 and its surroundings
- anpr-hit-list.png   the control room's ANPR partial-registration search, printed 06:10

Everything on them is fictional. The output is deterministic: no randomness, no dates
taken from the machine. Every fact a trainee needs is also in the media `alt` text of
scenarios/layby-drop.yaml; keep the two in step if you change anything here.
"""

from __future__ import annotations

from pathlib import Path

from document_drawing import (
    ASSETS,
    INK,
    MONO,
    SANS,
    SANS_COND,
    SERIF,
    draw_documents,
    exit_now,
    font,
    new_image,
    save,
    text,
)
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen, QPolygonF

OUT = ASSETS / "layby-drop"

RED = QColor("#c0392b")
PEN_BLUE = QColor("#1f3f9a")
WATER = QColor("#3f7fbf")
PATH_BROWN = QColor("#7a4e1d")


def label(p: QPainter, x: float, y: float, s: str, px: int = 18, bold: bool = False,
          colour: QColor = INK, w: float = 400, h: float = 80, bg: str | None = "#ffffff",
          flags=Qt.AlignLeft | Qt.AlignTop) -> None:
    """Text on a pale box so it stays readable over fields and roads."""
    f = font(SANS, px, bold=bold)
    p.setFont(f)
    rect = p.boundingRect(QRectF(x, y, w, h), int(flags) | int(Qt.TextWordWrap), s)
    if bg:
        p.setPen(Qt.NoPen)
        c = QColor(bg)
        c.setAlpha(215)
        p.setBrush(c)
        p.drawRoundedRect(rect.adjusted(-5, -3, 5, 3), 4, 4)
    text(p, x, y, s, f, colour, w, h, flags)


def camera(p: QPainter, x: float, y: float) -> None:
    """A small camera symbol centred on (x, y)."""
    p.setPen(QPen(INK, 2))
    p.setBrush(QColor("#fdfdfd"))
    p.drawRect(QRectF(x - 13, y - 9, 20, 18))
    tri = QPolygonF([QPointF(x + 7, y), QPointF(x + 16, y - 8), QPointF(x + 16, y + 8)])
    p.setBrush(INK)
    p.drawPolygon(tri)
    p.setBrush(RED)
    p.setPen(Qt.NoPen)
    p.drawEllipse(QPointF(x - 3, y), 4, 4)


def star(p: QPainter, x: float, y: float, r: float, colour: QColor) -> None:
    import math
    pts = []
    for i in range(10):
        ang = -math.pi / 2 + i * math.pi / 5
        rr = r if i % 2 == 0 else r * 0.45
        pts.append(QPointF(x + rr * math.cos(ang), y + rr * math.sin(ang)))
    p.setPen(QPen(INK, 1.5))
    p.setBrush(colour)
    p.drawPolygon(QPolygonF(pts))


# --------------------------------------------------------------------------- map

def make_map(path: Path) -> None:
    W, H = 1500, 1120
    img, p = new_image(W, H, "#dfe8cf")          # fields
    road = QColor("#8a8a8a")
    road_edge = QColor("#555555")
    tarmac = QColor("#b7b7b2")
    building = QColor("#d9b98c")

    # --- ploughed field texture (fixed stripes), west and east of the road
    p.setPen(QPen(QColor("#cfd9bb"), 2))
    for i in range(0, 40):
        y = 90 + i * 16
        if y < 690:
            p.drawLine(QPointF(40, y), QPointF(500, y))
        if y < 400 or 520 < y < 690:
            p.drawLine(QPointF(800, y), QPointF(1020, y))

    # --- the A318, north (top) to the Senning roundabout (bottom)
    rx, rw = 720, 64
    p.setPen(Qt.NoPen)
    p.setBrush(road_edge)
    p.drawRect(QRectF(rx - 3, 60, rw + 6, 905))
    p.setBrush(road)
    p.drawRect(QRectF(rx, 60, rw, 905))
    p.setPen(QPen(QColor("white"), 3, Qt.DashLine))
    p.drawLine(QPointF(rx + rw / 2, 60), QPointF(rx + rw / 2, 950))
    # direction arrows: northbound on the left (west) half, southbound on the right
    p.setPen(Qt.NoPen)
    p.setBrush(QColor("white"))
    for ay in (200, 640, 860):
        ax = rx + rw / 4
        p.drawPolygon(QPolygonF([QPointF(ax, ay - 16), QPointF(ax - 8, ay + 6), QPointF(ax + 8, ay + 6)]))
        ax = rx + 3 * rw / 4
        p.drawPolygon(QPolygonF([QPointF(ax, ay + 16), QPointF(ax - 8, ay - 6), QPointF(ax + 8, ay - 6)]))
    p.save()
    p.translate(rx + rw / 2 + 8, 760)
    p.rotate(-90)
    text(p, -120, -12, "A318  (60 mph)", font(SANS, 19, bold=True), QColor("white"), 240, 30, Qt.AlignHCenter)
    p.restore()

    # north end: to the M47
    label(p, 800, 64, "To M47 junction 19 (3 miles)\nand Northmere beyond J20", 19, True, w=340)
    p.setPen(QPen(INK, 4))
    p.drawLine(QPointF(rx + rw / 2, 110), QPointF(rx + rw / 2, 66))
    p.setBrush(INK)
    p.drawPolygon(QPolygonF([QPointF(rx + rw / 2, 50), QPointF(rx + rw / 2 - 12, 72),
                             QPointF(rx + rw / 2 + 12, 72)]))

    # --- Senning roundabout at the bottom
    cx, cy = rx + rw / 2, 1020
    p.setPen(QPen(road_edge, 3))
    p.setBrush(road)
    p.drawEllipse(QPointF(cx, cy), 82, 62)
    p.setBrush(QColor("#8fb36f"))
    p.drawEllipse(QPointF(cx, cy), 38, 26)
    label(p, cx - 85, cy + 68, "SENNING ROUNDABOUT", 16, True, w=240, bg=None)
    # roads off the roundabout: west to the retail park, east to the filling station, south
    p.setPen(QPen(road, 40, Qt.SolidLine, Qt.FlatCap))
    p.drawLine(QPointF(cx - 80, cy), QPointF(440, cy))
    p.drawLine(QPointF(cx + 80, cy), QPointF(1060, cy))

    # --- filling station east of the roundabout
    p.setPen(QPen(road_edge, 2))
    p.setBrush(tarmac)
    p.drawRect(QRectF(880, 930, 170, 60))
    p.setBrush(QColor("#f0c419"))
    for i in range(3):
        p.drawRect(QRectF(900 + i * 50, 945, 18, 22))
    camera(p, 1070, 940)
    label(p, 1090, 918, "Filling station\n(CCTV)", 17, True, w=220)

    # --- ANPR camera WM-A318-03 just north of the roundabout, reading northbound
    camera(p, rx - 26, 905)
    label(p, 436, 838, "ANPR camera WM-A318-03\n(reads northbound traffic)", 16, True, w=276)

    # --- the Coldharbour lay-by on the west (northbound) side
    lay = QPainterPath(QPointF(rx, 360))
    lay.lineTo(QPointF(rx - 60, 400))
    lay.lineTo(QPointF(rx - 60, 520))
    lay.lineTo(QPointF(rx, 560))
    lay.closeSubpath()
    p.setPen(QPen(road_edge, 2))
    p.setBrush(tarmac)
    p.drawPath(lay)
    label(p, 380, 330, "COLDHARBOUR LAY-BY\n(A318 northbound side)", 18, True, w=280)
    star(p, rx - 30, 470, 20, RED)
    label(p, 440, 418, "Drop point 05:44", 17, True, RED, w=200, flags=Qt.AlignRight | Qt.AlignTop)
    # caller's position at the north end
    p.setPen(QPen(INK, 2))
    p.setBrush(QColor("#2e6da4"))
    p.drawEllipse(QPointF(rx - 26, 408), 9, 9)
    label(p, 520, 382, "Caller and dog", 15, False, w=160, flags=Qt.AlignRight | Qt.AlignTop)
    # lorry's route away: red dashed up the northbound lane
    p.setPen(QPen(RED, 4, Qt.DashLine))
    p.drawLine(QPointF(rx + rw / 4, 450), QPointF(rx + rw / 4, 150))
    p.setPen(Qt.NoPen)
    p.setBrush(RED)
    p.drawPolygon(QPolygonF([QPointF(rx + rw / 4, 128), QPointF(rx + rw / 4 - 11, 152),
                             QPointF(rx + rw / 4 + 11, 152)]))
    label(p, 800, 170, "Lorry last seen leaving\nnorthbound at 05:46", 17, True, RED, w=260)

    # --- the Long Dyke: a drainage ditch running north-south west of the lay-by
    p.setPen(QPen(WATER, 9, Qt.SolidLine, Qt.RoundCap))
    dyke = QPainterPath(QPointF(520, 70))
    dyke.cubicTo(QPointF(505, 250), QPointF(540, 420), QPointF(515, 690))
    p.setBrush(Qt.NoBrush)
    p.drawPath(dyke)
    label(p, 300, 100, "LONG DYKE\ndeep drainage ditch,\nsteep sides", 17, True, WATER, w=200)

    # --- footpaths (brown dots)
    dots = QPen(PATH_BROWN, 5, Qt.DotLine, Qt.RoundCap)
    # from the stile at the back of the lay-by, south-west across the dyke to the retail park
    p.setPen(dots)
    fp = QPainterPath(QPointF(rx - 60, 470))
    fp.cubicTo(QPointF(600, 520), QPointF(540, 560), QPointF(522, 580))
    fp.cubicTo(QPointF(480, 620), QPointF(380, 660), QPointF(320, 720))
    p.drawPath(fp)
    p.setPen(QPen(INK, 3))
    p.drawLine(QPointF(rx - 62, 458), QPointF(rx - 62, 482))           # stile
    p.setPen(QPen(QColor("#6b4a2a"), 7))
    p.drawLine(QPointF(505, 572), QPointF(540, 590))                      # plank bridge
    label(p, 250, 540, "Footpath from a stile at the\nback of the lay-by crosses\nthe dyke by a plank bridge", 16, False, w=240)
    # from opposite the lay-by, east across the field to Little Senning
    p.setPen(dots)
    p.drawLine(QPointF(rx + rw, 465), QPointF(1040, 465))
    label(p, 820, 420, "Public footpath", 15, False, w=160)
    label(p, 820, 490, "Ploughed, waterlogged fields", 14, False, w=230, bg=None)
    label(p, 60, 470, "Ploughed, waterlogged fields", 14, False, w=230, bg=None)

    # --- Little Senning to the east
    p.setPen(QPen(road, 26, Qt.SolidLine, Qt.FlatCap))
    p.drawLine(QPointF(1040, 465), QPointF(1470, 465))                   # Main Street
    label(p, 1250, 478, "Main Street", 15, True, w=130, bg=None)
    p.setPen(QPen(road_edge, 1.5))
    p.setBrush(building)
    houses = [(1060, 400), (1110, 395), (1160, 402), (1300, 398), (1350, 395), (1400, 400),
              (1070, 500), (1120, 505), (1260, 510), (1310, 505), (1360, 508), (1410, 500)]
    for hx, hy in houses:
        p.drawRect(QRectF(hx, hy, 38, 34))
    # the Plough (north side) and the bus stop (south side, opposite)
    p.setBrush(QColor("#b5835a"))
    p.drawRect(QRectF(1205, 385, 70, 48))
    label(p, 1196, 345, "The Plough (pub)", 15, True, w=170)
    p.setBrush(QColor("#ffdd55"))
    p.setPen(QPen(INK, 2))
    p.drawRect(QRectF(1222, 482, 30, 18))
    text(p, 1222, 483, "BUS", font(SANS, 11, bold=True), INK, 30, 18, Qt.AlignHCenter)
    label(p, 1160, 540, "Bus stop, opposite the Plough\n(about 1 km from the lay-by)", 15, True, w=280)
    # church
    p.setBrush(QColor("#cfc6b8"))
    p.setPen(QPen(road_edge, 1.5))
    p.drawRect(QRectF(1380, 300, 60, 60))
    label(p, 1370, 268, "Church", 14, False, w=90)
    label(p, 1090, 230, "LITTLE SENNING (village)", 22, True, w=330)

    # --- Senning Gate Retail Park to the south-west
    p.setPen(QPen(road_edge, 2))
    p.setBrush(QColor("#e8d9b0"))
    p.drawRect(QRectF(60, 720, 330, 60))                                  # service yard
    label(p, 70, 728, "Rear service yard and security office", 15, True, w=320, bg=None)
    p.setBrush(building)
    p.drawRect(QRectF(60, 780, 330, 110))                                 # DIY store
    text(p, 60, 815, "DIY STORE", font(SANS, 22, bold=True), INK, 330, 40, Qt.AlignHCenter)
    p.setBrush(tarmac)
    p.drawRect(QRectF(40, 900, 400, 80))                                  # car park
    p.setPen(QPen(QColor("white"), 2))
    for i in range(9):
        xx = 60 + i * 40
        p.drawLine(QPointF(xx, 910), QPointF(xx, 950))
    text(p, 50, 952, "CAR PARK", font(SANS, 15, bold=True), INK, 200, 24)
    camera(p, 470, 985)
    label(p, 40, 1050, "Car-park ANPR cameras at the entrance from the roundabout", 15, True, w=470)
    label(p, 40, 622, "SENNING GATE RETAIL PARK\n(about 800 m from the lay-by)", 19, True, w=330)

    # --- title, north arrow, scale, legend
    p.setPen(QPen(INK, 2))
    p.setBrush(QColor("#ffffff"))
    p.drawRect(QRectF(20, 16, 300, 58))
    text(p, 30, 20, "Coldharbour lay-by, A318", font(SANS, 20, bold=True), INK, 290, 30)
    text(p, 30, 46, "Sketch map, not to scale", font(SANS, 15, italic=True), INK, 290, 24)
    # north arrow
    p.setBrush(INK)
    p.drawPolygon(QPolygonF([QPointF(1440, 30), QPointF(1425, 75), QPointF(1440, 66), QPointF(1455, 75)]))
    text(p, 1425, 78, "N", font(SANS, 20, bold=True), INK, 30, 26, Qt.AlignHCenter)
    # scale bar
    p.setPen(QPen(INK, 3))
    p.drawLine(QPointF(1220, 1080), QPointF(1420, 1080))
    p.drawLine(QPointF(1220, 1072), QPointF(1220, 1088))
    p.drawLine(QPointF(1420, 1072), QPointF(1420, 1088))
    text(p, 1220, 1050, "about 500 m", font(SANS, 15, bold=True), INK, 200, 24, Qt.AlignHCenter)
    # legend
    p.setPen(QPen(INK, 1.5))
    p.setBrush(QColor("#ffffffe0"))
    p.drawRect(QRectF(1100, 700, 370, 170))
    text(p, 1112, 706, "Key", font(SANS, 17, bold=True), INK, 100, 24)
    star(p, 1125, 748, 11, RED)
    text(p, 1148, 737, "Drop point", font(SANS, 15), INK, 300, 24)
    camera(p, 1125, 780)
    text(p, 1148, 769, "Camera (CCTV or ANPR)", font(SANS, 15), INK, 300, 24)
    p.setPen(QPen(PATH_BROWN, 5, Qt.DotLine, Qt.RoundCap))
    p.drawLine(QPointF(1108, 812), QPointF(1140, 812))
    text(p, 1148, 801, "Public footpath", font(SANS, 15), INK, 300, 24)
    p.setPen(QPen(WATER, 7, Qt.SolidLine, Qt.RoundCap))
    p.drawLine(QPointF(1108, 843), QPointF(1140, 843))
    text(p, 1148, 832, "Drainage ditch (Long Dyke)", font(SANS, 15), INK, 300, 24)

    save(img, p, path)


# --------------------------------------------------------------------------- ANPR printout

def make_anpr(path: Path) -> None:
    W, H = 1400, 900
    img, p = new_image(W, H, "#d8d8d2")                # desk
    PX, PY, PW, PH = 40, 30, W - 80, H - 60
    p.setPen(Qt.NoPen)
    p.setBrush(QColor("#b9b9b2"))
    p.drawRect(QRectF(PX + 8, PY + 8, PW, PH))
    p.setBrush(QColor("#ffffff"))
    p.drawRect(QRectF(PX, PY, PW, PH))

    M = PX + 40
    y = PY + 30
    text(p, M, y, "WESTMARCH CONSTABULARY", font(SANS, 26, bold=True), INK, 800, 36)
    text(p, PX + PW - 460, y + 4, "OFFICIAL - SENSITIVE", font(SANS, 20, bold=True), RED, 420, 30, Qt.AlignRight)
    y += 38
    text(p, M, y, "ANPR back office search result: partial registration", font(SANS, 21), INK, 900, 30)
    y += 40
    p.setPen(QPen(INK, 2))
    p.drawLine(QPointF(M, y), QPointF(PX + PW - 40, y))
    y += 12
    mono = font(MONO, 18)
    header = [
        "Log reference   : LOG 0421-2110           Printed : 21/10/2025 06:10  (control room)",
        "Requested       : 05:53 by call handler    Reason  : people seen leaving lorry, lay-by",
        "Pattern         : W*7* *RK   (caller: starts W, has a 7, ends RK)",
        "Time window     : 21/10/2025 05:30 - 06:10",
        "Cameras         : all A318 and M47 sites (Westmarch and Northmere)",
    ]
    for line in header:
        text(p, M, y, line, mono, INK, PW - 80, 26)
        y += 28
    y += 14

    # table
    cols = [("Time", 120), ("Camera", 330), ("VRM", 150), ("Make / model (DVLA)", 300), ("Colour", 110),
            ("Class", 150)]
    tx = M
    p.setPen(Qt.NoPen)
    p.setBrush(QColor("#2b2b2b"))
    p.drawRect(QRectF(M - 8, y, sum(c[1] for c in cols) + 16, 36))
    for name, cw in cols:
        text(p, tx, y + 6, name, font(SANS, 18, bold=True), QColor("white"), cw, 30)
        tx += cw
    y += 40
    rows = [
        ("05:33:08", "WM-A318-03 Senning rbt NB", "WV71 HRK", "Ford Transit Custom", "Silver", "Light van", False),
        ("05:41:17", "WM-A318-03 Senning rbt NB", "WN70 DRK", "DAF XF tractor unit", "Blue", "HGV + box trl", True),
        ("05:47:52", "WM-A318-03 Senning rbt NB", "WX57 ARK", "Nissan Micra", "Red", "Car", False),
        ("05:51:40", "WM-M47-19 J19 NB entry slip", "WN70 DRK", "DAF XF tractor unit", "Blue", "HGV", True),
        ("05:52:06", "WM-M47-19 J19 NB entry slip", "WV71 HRK", "Ford Transit Custom", "Silver", "Light van", False),
        ("06:04:31", "NM-M47-20N Northmere J20 NB", "WN70 DRK", "DAF XF tractor unit", "Blue", "HGV", True),
    ]
    rh = 44
    for i, (t, cam, vrm, mk, col, cls, hit) in enumerate(rows):
        p.setPen(Qt.NoPen)
        if hit:
            p.setBrush(QColor("#fff176"))
        else:
            p.setBrush(QColor("#f3f3f3") if i % 2 else QColor("#ffffff"))
        p.drawRect(QRectF(M - 8, y, sum(c[1] for c in cols) + 16, rh))
        tx = M
        for val, (_, cw) in zip((t, cam, vrm, mk, col, cls), cols):
            f = font(MONO, 18, bold=hit and val == vrm)
            text(p, tx, y + 10, val, f if val == vrm or val == t else font(SANS_COND, 18), INK, cw - 6, 30)
            tx += cw
        y += rh
    p.setPen(QPen(INK, 1))
    p.drawLine(QPointF(M - 8, y), QPointF(M + sum(c[1] for c in cols) + 8, y))
    y += 10
    text(p, M, y, "6 reads returned. Highlighting added by the analyst.", font(SANS, 16, italic=True),
         QColor("#555555"), 900, 24)
    y += 44

    # analyst's handwritten note in blue
    hand = font(SERIF, 22, italic=True)
    note = (
        "Only HGV in the window = WN70 DRK. Passed Senning rbt 05:41,\n"
        "three minutes before the drop. Not seen on the A318 again:\n"
        "10 minutes from the lay-by to J19.\n"
        "Keeper: Calder Voss Haulage Ltd, Kilnfield Estate, Tilbridge.\n"
        "ANPR alert (stop - people smuggling) set 05:55,\n"
        "passed to Northmere control 05:56.   - J. Okoro, analyst"
    )
    p.setPen(QPen(PEN_BLUE, 2))
    p.setBrush(Qt.NoBrush)
    p.drawRoundedRect(QRectF(M - 10, y - 6, 860, 172), 10, 10)
    text(p, M + 6, y, note, hand, PEN_BLUE, 850, 210)
    save(img, p, path)


DOCUMENTS = [
        ("layby-map.png", make_map),
        ("anpr-hit-list.png", make_anpr),
]


if __name__ == "__main__":
    exit_now(draw_documents(OUT, DOCUMENTS))
