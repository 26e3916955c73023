"""Three real PHH records, copied exactly, for the ``poker/phh`` vector suite.

They come from the PHH dataset as kept in uoftcprg/pokerkit at commit
d782667cfcbb5b4e26c4ccb22978a04768f6eacc (MIT licence, Copyright (c) 2023 University
of Toronto Computer Poker Research Group); the shared test data
(``../shared/data/phh``, SOURCE.md) holds the same files. Long lines are split
into adjacent string literals; the text is unchanged (no final newline).
"""

from __future__ import annotations

#: ``data/pluribus/30/27.phh``
PLURIBUS_30_27 = (
    "variant = 'NT'\n"
    'ante_trimming_status = true\n'
    'antes = [0, 0, 0, 0, 0, 0]\n'
    'blinds_or_straddles = [50, 100, 0, 0, 0, 0]\n'
    'min_bet = 100\n'
    'starting_stacks = [10000, 10000, 10000, 10000, 10000, 10000]\n'
    "actions = ['d dh p1 Qc4h', 'd dh p2 Tc9c', 'd dh p3 8sAs', 'd dh p4 Qh7c', 'd dh"
    " p5 JcQd', 'd dh p6 5h5d', 'p3 cbr 200', 'p4 f', 'p5 f', 'p6 cc', 'p1 f', 'p2 "
    "cc', 'd db 3h7s5c', 'p2 cc', 'p3 cbr 650', 'p6 cc', 'p2 f', 'd db Qs', 'p3 cc', "
    "'p6 cbr 975', 'p3 cbr 2925', 'p6 cc', 'd db 6c', 'p3 cbr 6225', 'p6 cc', 'p3 sm "
    "8sAs', 'p6 sm 5h5d']\n"
    'hand = 27\n'
    "players = ['Eddie', 'Bill', 'Pluribus', 'MrWhite', 'Gogo', 'Budd']\n"
    'finishing_stacks = [9950, 9800, 0, 10000, 10000, 20250]'
)

#: ``data/pluribus/41b/204.phh``
PLURIBUS_41B_204 = (
    "variant = 'NT'\n"
    'ante_trimming_status = true\n'
    'antes = [0, 0, 0, 0, 0, 0]\n'
    'blinds_or_straddles = [50, 100, 0, 0, 0, 0]\n'
    'min_bet = 100\n'
    'starting_stacks = [10000, 10000, 10000, 10000, 10000, 10000]\n'
    "actions = ['d dh p1 KsQs', 'd dh p2 5cJc', 'd dh p3 TdAh', 'd dh p4 QhKh', 'd dh"
    " p5 4hAs', 'd dh p6 9sJs', 'p3 f', 'p4 cbr 225', 'p5 f', 'p6 cc', 'p1 cbr 1387',"
    " 'p2 f', 'p4 cc', 'p6 f', 'd db AcKd6h', 'p1 cbr 800', 'p4 cc', 'd db Qc', 'p1 "
    "cbr 1600', 'p4 cc', 'd db 3c', 'p1 cc', 'p4 cc', 'p1 sm KsQs', 'p4 sm QhKh']\n"
    'hand = 204\n'
    "players = ['ORen', 'Hattori', 'MrBlue', 'Bill', 'MrOrange', 'Pluribus']\n"
    'finishing_stacks = [10162.5, 9900.0, 10000.0, 10162.5, 10000.0, 9775.0]'
)

#: ``data/wsop/2023/43/5/68.phh``
WSOP_2023_68 = (
    "variant = 'NT'\n"
    'ante_trimming_status = false\n'
    'antes = [0, 225000, 0, 0, 0]\n'
    'blinds_or_straddles = [75000, 150000, 0, 0, 0]\n'
    'min_bet = 150000\n'
    'starting_stacks = [2275000, 3575000, 2675000, 3125000, 18050000]\n'
    "actions = ['d dh p1 8d3s', 'd dh p2 9d9c', 'd dh p3 6c5h', 'd dh p4 Js4h', 'd dh"
    " p5 AcKc', 'p3 f', 'p4 f', 'p5 cbr 300000', 'p1 f', 'p2 cbr 3350000', 'p5 cc', "
    "'p2 sm 9d9c', 'p5 sm AcKc', 'd db 2c8cTh', 'd db Ah', 'd db 6d']\n"
    "author = 'Juho Kim'\n"
    "event = '2023 World Series of Poker Event #43: $50,000 Poker Players "
    "Championship | Day 5'\n"
    "city = 'Las Vegas'\n"
    "region = 'Nevada'\n"
    "country = 'United States of America'\n"
    'day = 22\n'
    'month = 6\n'
    'year = 2023\n'
    'hand = 68\n'
    "players = ['Matthew Ashton', 'Kristopher Tong', 'James Obst', 'Talal Shakerchi',"
    " 'Brian Rast']\n"
    'finishing_stacks = [2200000, 0, 2675000, 3125000, 21700000]'
)
