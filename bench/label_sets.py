"""Label names and one-line descriptions of the benchmark datasets.

Written once, before any result was seen, and never tuned on test data; used by
zero-shot classification (bench/zero_shot.py) and as label descriptions in
few-shot training (bench/train_classify.py --descriptions).
"""

LABEL_SETS = {
    "agnews": {
        "names": ["World", "Sports", "Business", "Sci/Tech"],
        "descriptions": {
            "World": "world news about politics, war and international affairs",
            "Sports": "sports news about games, teams and athletes",
            "Business": "business news about companies, markets and the economy",
            "Sci/Tech": "science and technology news about computers, software and research",
        },
    },
    "sst2": {
        "names": ["negative", "positive"],
        "descriptions": {"negative": "a negative, bad review",
                         "positive": "a positive, good review"},
    },
}
