# %% [markdown]
# RESTREINT UE
# %%
import pandas as pd
