"""Draw the documents for the Pellow Cross trailer-fatality scenario.

Run from anywhere:

    QT_QPA_PLATFORM=offscreen python tools/make_trailer_fatality_documents.py

It writes PNG files into assets/trailer-fatality/ (from the repository root):

- yard-plan.png        plan of the Castellan Cold Chain yard with cordons, RVP and cameras
- gate-log.png         the night gatehouse vehicle log and the delivery booking
- methane-message.png  PC Khalid's METHANE message at 14:29

Everything on them is fictional. The output is deterministic: no randomness, no dates
taken from the machine. Every fact a trainee needs is also in the media `alt` text of
scenarios/trailer-fatality.yaml; keep the two in step if you change anything here.
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
from PySide6.QtGui import QColor, QPainter, QPen, QPolygonF

OUT = ASSETS / "trailer-fatality"

PEN_BLUE = QColor("#1f3f9a")       # handwritten entries
PENCIL = QColor("#5b4a2f")         # pencil annotation
CORDON_RED = QColor("#c0262d")
CORDON_BLUE = QColor("#1f5fbf")
PATH_GREEN = QColor("#1e8a3a")
NAVY = QColor("#1d3557")


def dashed_rect(p: QPainter, r: QRectF, colour: QColor, width: int, style) -> None:
    p.setBrush(Qt.NoBrush)
    p.setPen(QPen(colour, width, style))
    p.drawRect(r)


# --------------------------------------------------------------------------- yard plan

def make_yard_plan(path: Path) -> None:
    W, H = 1600, 1150
    img, p = new_image(W, H, "#e4e2da")

    # Quarry Lane down the east side
    lane_x = 1380
    p.setPen(Qt.NoPen)
    p.setBrush(QColor("#8d8d8d"))
    p.drawRect(QRectF(lane_x, 0, 150, H))
    p.setPen(QPen(QColor("white"), 3, Qt.DashLine))
    p.drawLine(QPointF(lane_x + 75, 0), QPointF(lane_x + 75, H))
    p.save()
    p.translate(lane_x + 110, 620)
    p.rotate(-90)
    text(p, -200, -14, "QUARRY LANE", font(SANS, 26, bold=True), QColor("white"), 400, 40, Qt.AlignHCenter)
    p.restore()

    # yard surface
    yard = QRectF(360, 150, 1000, 900)
    p.setPen(QPen(INK, 3))
    p.setBrush(QColor("#c9c7bd"))
    p.drawRect(yard)

    # warehouse on the west
    wh = QRectF(40, 150, 320, 900)
    p.setPen(QPen(INK, 3))
    p.setBrush(QColor("#d9b98c"))
    p.drawRect(wh)
    text(p, 60, 420, "CASTELLAN\nCOLD CHAIN\nWAREHOUSE", font(SANS, 26, bold=True), INK, 280, 120, Qt.AlignHCenter)
    text(p, 60, 540, "Unit 12", font(SANS, 20), INK, 280, 30, Qt.AlignHCenter)

    # canteen and training room at the south end
    canteen = QRectF(40, 880, 160, 170)
    training = QRectF(200, 880, 160, 170)
    p.setPen(QPen(INK, 2))
    p.setBrush(QColor("#f2e2c4"))
    p.drawRect(canteen)
    p.setBrush(QColor("#fbe7d0"))
    p.drawRect(training)
    text(p, 46, 898, "STAFF\nCANTEEN\n\nstaff\nwitnesses", font(SANS, 17, bold=True), INK, 148, 150, Qt.AlignHCenter)
    text(p, 206, 898, "TRAINING\nROOM\n(heated)\n\nsurvivors", font(SANS, 17, bold=True), INK, 148, 150, Qt.AlignHCenter)

    # docks D1 to D8 on the east wall, D1 at the south
    dock_top, dock_h = 170, 88
    docks = {}
    for i in range(8):
        n = 8 - i           # D8 at the north (top)
        y = dock_top + i * (dock_h + 2)
        r = QRectF(360, y, 46, dock_h)
        p.setPen(QPen(INK, 2))
        p.setBrush(QColor("#7a6a55"))
        p.drawRect(r)
        text(p, 360, y + dock_h / 2 - 12, f"D{n}", font(SANS, 18, bold=True), QColor("white"), 46, 26, Qt.AlignHCenter)
        docks[n] = y

    # trailer TR 2290 B on dock 6
    ty = docks[6] + 10
    trailer = QRectF(406, ty, 300, dock_h - 20)
    p.setPen(QPen(INK, 2))
    p.setBrush(QColor("#f5f5f5"))
    p.drawRect(trailer)
    # fridge unit at the nose (east end)
    p.setBrush(QColor("#5a7d9a"))
    p.drawRect(QRectF(706, ty + 8, 22, dock_h - 36))
    text(p, 420, ty + 6, "TR 2290 B", font(SANS, 20, bold=True), INK, 220, 28)
    text(p, 420, ty + 34, "rear doors at dock  ◂", font(SANS, 14), INK, 260, 24)
    # the place where the man who died lies: a cross near the nose
    p.setPen(QPen(CORDON_RED, 5))
    cx, cy = 680, ty + (dock_h - 20) / 2
    p.drawLine(QPointF(cx - 11, cy - 11), QPointF(cx + 11, cy + 11))
    p.drawLine(QPointF(cx - 11, cy + 11), QPointF(cx + 11, cy - 11))

    # drop-trailer bays P1 to P10 along the north edge
    bay_w = 80
    for i in range(10):
        x = 520 + i * (bay_w + 4)
        r = QRectF(x, 150, bay_w, 130)
        p.setPen(QPen(QColor("white"), 2))
        p.setBrush(QColor("#b7b5ab") if i != 3 else QColor("#f0d9a8"))
        p.drawRect(r)
        text(p, x, 160, f"P{i + 1}", font(SANS, 18, bold=True), INK, bay_w, 26, Qt.AlignHCenter)
        # shore-power post
        p.setPen(QPen(INK, 1))
        p.setBrush(QColor("#f0c419"))
        p.drawRect(QRectF(x + bay_w / 2 - 7, 260, 14, 14))
    p4x = 520 + 3 * (bay_w + 4)
    text(p, p4x - 4, 190, "TR 2290 B\n02:05 –\n13:50", font(SANS_COND, 15, bold=True), INK, bay_w + 8, 70, Qt.AlignHCenter)

    # gate and gatehouse in the south-east corner
    gate_y0, gate_y1 = 930, 1040
    p.setPen(Qt.NoPen)
    p.setBrush(QColor("#c9c7bd"))
    p.drawRect(QRectF(1356, gate_y0, 30, gate_y1 - gate_y0))
    p.setPen(QPen(INK, 3))
    p.drawLine(QPointF(1360, gate_y0), QPointF(1360, gate_y0 + 12))
    p.drawLine(QPointF(1360, gate_y1 - 12), QPointF(1360, gate_y1))
    text(p, 1262, gate_y0 + 40, "GATE", font(SANS, 20, bold=True), INK, 90, 30, Qt.AlignRight)
    gh = QRectF(1180, 800, 160, 100)
    p.setPen(QPen(INK, 2))
    p.setBrush(QColor("#d9b98c"))
    p.drawRect(gh)
    text(p, 1180, 812, "GATEHOUSE", font(SANS, 17, bold=True), INK, 160, 26, Qt.AlignHCenter)
    # RVP marker
    p.setBrush(QColor("#ffffff"))
    p.setPen(QPen(INK, 3))
    p.drawEllipse(QPointF(1260, 868), 26, 20)
    text(p, 1234, 856, "RVP", font(SANS, 17, bold=True), INK, 52, 26, Qt.AlignHCenter)
    text(p, 1050, 906, "RVP and forward\ncommand point", font(SANS, 15, bold=True), INK, 200, 44)

    # ambulance loading area in front of D4 and D5
    amb = QRectF(430, docks[5] - 4, 180, 2 * dock_h + 10)
    p.setPen(QPen(QColor("#1f7a3a"), 3))
    p.setBrush(QColor(210, 240, 215))
    p.drawRect(amb)
    text(p, 436, docks[5] + 60, "AMBULANCE\nLOADING\n(D4–D5 apron)", font(SANS, 17, bold=True), QColor("#145a2a"), 170, 80, Qt.AlignHCenter)

    # cameras
    def camera(x: float, y: float, name: str) -> None:
        p.setPen(QPen(INK, 2))
        p.setBrush(QColor("#111111"))
        p.drawEllipse(QPointF(x, y), 16, 16)
        text(p, x - 16, y - 11, name, font(SANS, 14, bold=True), QColor("white"), 32, 22, Qt.AlignHCenter)

    camera(1320, 1010, "G1")
    camera(1160, 790, "Y1")
    camera(390, docks[7] - 12, "Y2")

    # inner cordons (red dashed): D6 apron and trailer, and bay P4
    dashed_rect(p, QRectF(400, docks[6] - 16, 360, dock_h + 32), CORDON_RED, 5, Qt.DashLine)
    dashed_rect(p, QRectF(p4x - 12, 140, bay_w + 24, 150), CORDON_RED, 5, Qt.DashLine)
    # outer cordon (blue dashed) across the gate, taking in the whole yard
    dashed_rect(p, QRectF(350, 132, 1040, 930), CORDON_BLUE, 5, Qt.DashDotLine)

    # common approach path (green dotted): gatehouse west along the south, then north to D6
    p.setPen(QPen(PATH_GREEN, 6, Qt.DotLine))
    cap = [QPointF(1230, 900), QPointF(1230, 990), QPointF(800, 990), QPointF(800, docks[6] + dock_h + 24),
           QPointF(620, docks[6] + dock_h + 24)]
    for a, b in zip(cap, cap[1:]):
        p.drawLine(a, b)
    text(p, 830, 950, "common approach path", font(SANS, 16, bold=True), PATH_GREEN, 300, 26)

    # labels for cordons
    text(p, 770, docks[6] - 14, "INNER CORDON\ndock 6 and trailer", font(SANS, 16, bold=True), CORDON_RED, 240, 50)
    text(p, 870, 296, "INNER CORDON  bay P4", font(SANS, 16, bold=True), CORDON_RED, 300, 26)
    text(p, 1040, 1070, "OUTER CORDON at the gate", font(SANS, 16, bold=True), CORDON_BLUE, 330, 26)

    # title block and legend (top left)
    p.setPen(QPen(INK, 2))
    p.setBrush(QColor(255, 255, 255))
    p.drawRect(QRectF(20, 10, 760, 126))
    text(p, 34, 16, "CASTELLAN COLD CHAIN, UNIT 12 QUARRY LANE", font(SANS, 23, bold=True), INK, 740, 32)
    text(p, 34, 48, "Pellow Cross Industrial Estate, Harnley. Yard plan, not to scale.", font(SANS, 16), INK, 740, 24)
    text(p, 34, 72, "Westmarch Constabulary scene plan, 19/02/2026", font(SANS, 14), QColor("#555555"), 740, 22)

    legend_box = QRectF(800, 10, 560, 126)
    p.setPen(QPen(INK, 2))
    p.setBrush(QColor(255, 255, 255))
    p.drawRect(legend_box)
    lx, ly = 812, 18
    p.setPen(QPen(CORDON_RED, 5, Qt.DashLine))
    p.drawLine(QPointF(lx, ly + 10), QPointF(lx + 50, ly + 10))
    text(p, lx + 60, ly, "inner cordon", font(SANS, 15), INK, 200, 22)
    p.setPen(QPen(CORDON_BLUE, 5, Qt.DashDotLine))
    p.drawLine(QPointF(lx, ly + 38), QPointF(lx + 50, ly + 38))
    text(p, lx + 60, ly + 28, "outer cordon", font(SANS, 15), INK, 200, 22)
    p.setPen(QPen(PATH_GREEN, 6, Qt.DotLine))
    p.drawLine(QPointF(lx, ly + 66), QPointF(lx + 50, ly + 66))
    text(p, lx + 60, ly + 56, "common approach path", font(SANS, 15), INK, 220, 22)
    p.setPen(QPen(CORDON_RED, 4))
    p.drawLine(QPointF(lx + 18, ly + 84), QPointF(lx + 32, ly + 98))
    p.drawLine(QPointF(lx + 18, ly + 98), QPointF(lx + 32, ly + 84))
    text(p, lx + 60, ly + 82, "where the man who died lies", font(SANS, 15), INK, 240, 22)
    p.setPen(QPen(INK, 2))
    p.setBrush(QColor("#111111"))
    p.drawEllipse(QPointF(lx + 310, ly + 10), 10, 10)
    text(p, lx + 328, ly, "camera (G1 gate plates)", font(SANS, 15), INK, 230, 22)
    p.setPen(QPen(INK, 1))
    p.setBrush(QColor("#f0c419"))
    p.drawRect(QRectF(lx + 303, ly + 31, 14, 14))
    text(p, lx + 328, ly + 28, "shore-power post", font(SANS, 15), INK, 230, 22)
    p.setBrush(QColor("#7a6a55"))
    p.drawRect(QRectF(lx + 300, ly + 56, 20, 20))
    text(p, lx + 328, ly + 56, "loading dock", font(SANS, 15), INK, 230, 22)

    # north arrow
    p.setPen(QPen(INK, 2))
    p.setBrush(INK)
    p.setBrush(QColor("white"))
    p.drawEllipse(QPointF(1455, 62), 34, 52)
    p.setBrush(INK)
    p.drawPolygon(QPolygonF([QPointF(1455, 16), QPointF(1440, 62), QPointF(1470, 62)]))
    text(p, 1435, 70, "N", font(SANS, 26, bold=True), INK, 40, 34, Qt.AlignHCenter)
    save(img, p, path)


# --------------------------------------------------------------------------- gate log

def make_gate_log(path: Path) -> None:
    W, H = 1400, 1300
    img, p = new_image(W, H, "#f4f3ee")
    M = 40
    text(p, M, 24, "CASTELLAN COLD CHAIN · UNIT 12 QUARRY LANE · GATEHOUSE VEHICLE LOG",
         font(SANS, 24, bold=True), INK, W - 2 * M, 36)
    text(p, M, 60, "Shift: NIGHTS    Date: 18/02/2026 – 19/02/2026    Gate officer: K. Morley (KM)",
         font(SANS, 19), INK, W - 2 * M, 30)

    cols = [("Time", 90), ("In/Out", 100), ("Tractor", 150), ("Trailer", 140),
            ("Driver / company", 210), ("Seal no.", 130), ("Notes", 440), ("Init.", 60)]
    y0 = 110
    row_h = 92
    header_h = 40
    x = M
    p.setPen(QPen(INK, 2))
    p.setBrush(QColor("#dcdad2"))
    p.drawRect(QRectF(M, y0, sum(c[1] for c in cols), header_h))
    for name, w in cols:
        text(p, x + 6, y0 + 8, name, font(SANS, 17, bold=True), INK, w - 8, 30)
        x += w
    rows = [
        ("23:40", "IN", "CC 14", "own", "Castellan fleet", "—", "", "KM"),
        ("01:15", "OUT", "CC 14", "own", "Castellan fleet", "—", "", "KM"),
        ("02:05", "IN", "RX 604 LN", "TR 2290 B\n(reefer)", "T. VASKO\nBelvaro Transport", "BT 118842",
         "Booked 13:30 19/02. Drop trailer bay P4,\nplugged in, reefer +3. Driver asked to use\ntoilet - refused (site rules).", "KM"),
        ("02:21", "OUT", "RX 604 LN", "— solo", "T. VASKO", "—",
         "Says collecting return load\nAshby Vale 16:00.", "KM"),
        ("03:12", "REFUSED", "white panel\nvan HN51 ?K?", "—", "2 men, said\n\"collecting for\nBelvaro\"", "—",
         "No booking. Turned away.\nDrove off north on Quarry Lane.", "KM"),
        ("05:40", "IN", "yard shunter", "—", "Castellan", "—", "Shunter start.", "DH"),
        ("13:50", "MOVE", "yard shunter", "TR 2290 B", "Castellan", "—",
         "Moved TR 2290 B from P4 to dock 6.\nUnplugged and re-plugged.", "DH"),
    ]
    y = y0 + header_h
    hand = font(SANS, 18, italic=True)
    for r in rows:
        x = M
        for (name, w), val in zip(cols, r):
            p.setPen(QPen(QColor("#8a8a8a"), 1))
            p.setBrush(Qt.NoBrush)
            p.drawRect(QRectF(x, y, w, row_h))
            colour = PEN_BLUE
            f = hand
            if r[0] in ("02:05", "02:21", "03:12") and name in ("Time", "Tractor", "Trailer", "Seal no."):
                f = font(SANS, 18, bold=True, italic=True)
            text(p, x + 6, y + 6, val, f, colour, w - 10, row_h - 8)
            x += w
        y += row_h

    # delivery booking, printed
    by = y + 40
    bh = 300
    p.setPen(QPen(NAVY, 2))
    p.setBrush(QColor("#ffffff"))
    p.drawRect(QRectF(M, by, W - 2 * M, bh))
    p.setPen(Qt.NoPen)
    p.setBrush(NAVY)
    p.drawRect(QRectF(M, by, W - 2 * M, 44))
    text(p, M + 14, by + 8, "DELIVERY BOOKING  BK-44817", font(SANS, 22, bold=True), QColor("white"), 700, 32)
    text(p, W - M - 420, by + 10, "Castellan Cold Chain – Goods In", font(SANS, 18), QColor("white"), 400, 30, Qt.AlignRight)
    lines = [
        ("Supplier", "Orlen Fruit Co-operative, Vask"),
        ("Goods", "24 pallets dessert apples, chilled +3 °C"),
        ("Haulier", "Belvaro Transport, Kessary"),
        ("Tractor / trailer", "RX 604 LN  /  TR 2290 B"),
        ("Driver mobile", "07700 900418"),
        ("Slot", "19/02/2026 13:30, dock 6"),
        ("Seal on loading", "BT 118842"),
    ]
    ly = by + 56
    for k, v in lines:
        text(p, M + 16, ly, k, font(SANS, 18, bold=True), NAVY, 230, 30)
        text(p, M + 250, ly, v, font(MONO, 19), INK, 800, 30)
        ly += 34
    # pencil note by the shift manager
    p.save()
    p.translate(M + 760, by + 150)
    p.rotate(-4)
    text(p, 0, 0, "Seal on doors when we\nopened at 14:05 was\nBT 121907, NOT 118842.\n      C.M.",
         font(SERIF, 24, italic=True), PENCIL, 520, 160)
    p.restore()
    p.setPen(QPen(PENCIL, 3))
    p.drawLine(QPointF(M + 700, by + 56 + 6 * 34 + 14), QPointF(M + 760, by + 250))
    text(p, M, H - 50, "Photocopy handed to police 14:39 by C. Mendes, shift manager.",
         font(SANS, 16, italic=True), QColor("#555555"), W - 2 * M, 26)
    save(img, p, path)


# --------------------------------------------------------------------------- METHANE form

def make_methane(path: Path) -> None:
    W, H = 1200, 1500
    img, p = new_image(W, H, "#ffffff")
    M = 40
    p.setPen(Qt.NoPen)
    p.setBrush(NAVY)
    p.drawRect(QRectF(0, 0, W, 110))
    text(p, M, 18, "WESTMARCH CONSTABULARY · METHANE MESSAGE", font(SANS, 28, bold=True), QColor("white"), W - 2 * M, 40)
    text(p, M, 62, "From PC 2291 Khalid · 19/02/2026 14:29 · Log 0614 · shared with Fire and Rescue and Ambulance",
         font(SANS, 18), QColor("white"), W - 2 * M, 30)
    rows = [
        ("M", "Major incident", "NOT declared. Joint declaration to be considered with fire and ambulance. Inspector Marsh informed."),
        ("E", "Exact location", "Castellan Cold Chain, Unit 12 Quarry Lane, Pellow Cross Industrial Estate, Harnley. "
                                "Trailer at loading dock 6, north side of yard. Single vehicle gate from Quarry Lane."),
        ("T", "Type of incident", "Refrigerated trailer TR 2290 B (Belvaro Transport), dropped in yard overnight, "
                                  "opened during unloading. 9 people found inside. 1 believed dead."),
        ("H", "Hazards", "Low oxygen / high CO2 at front of trailer. Fridge unit running on shore power on arrival. "
                         "Cold: 4 °C, sleet. Forklifts and yard traffic - now stopped. 1.2 m drop at dock edge."),
        ("A", "Access", "Quarry Lane, gate on east side. RVP at gatehouse. Ambulances to apron at docks 4-5. "
                        "KEEP DOCK 6 AND BAY P4 CLEAR - crime scene."),
        ("N", "Number of casualties", "9 in total. 1 believed deceased (front of trailer). 3 serious: 2 men still inside "
                                      "(hypothermia; 1 short of breath with chest pain), 1 boy drowsy. 5 walking (cold, "
                                      "dehydrated). Includes 1 probable child and 1 woman."),
        ("E", "Emergency services", "On scene: police x2. Ambulance and fire: as control logs them. Needed: crews "
                                    "for 8 casualties, HART, fire (gas monitoring, lighting, carrying), duty "
                                    "inspector, CSI, SIO."),
    ]
    y = 140
    letter_w, cap_w = 90, 250
    for letter, cap, val in rows:
        h = 170
        p.setPen(QPen(QColor("#9aa5b1"), 2))
        p.setBrush(NAVY)
        p.drawRect(QRectF(M, y, letter_w, h))
        text(p, M, y + h / 2 - 36, letter, font(SANS, 60, bold=True), QColor("white"), letter_w, 80, Qt.AlignHCenter)
        p.setBrush(QColor("#e8ecf1"))
        p.drawRect(QRectF(M + letter_w, y, cap_w, h))
        text(p, M + letter_w + 12, y + 14, cap, font(SANS, 21, bold=True), NAVY, cap_w - 20, h - 20)
        p.setBrush(QColor("#ffffff"))
        p.drawRect(QRectF(M + letter_w + cap_w, y, W - 2 * M - letter_w - cap_w, h))
        text(p, M + letter_w + cap_w + 14, y + 12, val, font(SANS, 21), INK,
             W - 2 * M - letter_w - cap_w - 28, h - 16)
        y += h + 8
    text(p, M, y + 14, "Passed by radio 14:29; update to follow after joint meeting at the RVP.",
         font(SANS, 17, italic=True), QColor("#555555"), W - 2 * M, 30)
    save(img, p, path)


DOCUMENTS = [
        ("yard-plan.png", make_yard_plan),
        ("gate-log.png", make_gate_log),
        ("methane-message.png", make_methane),
]


if __name__ == "__main__":
    exit_now(draw_documents(OUT, DOCUMENTS))
