class Sensitivity(Enum):
    public = 0
    restricted = 1
    confidential = 2
