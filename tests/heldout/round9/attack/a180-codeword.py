moselle_shield_phase2 = True
