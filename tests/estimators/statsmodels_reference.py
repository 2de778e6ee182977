# Reference values for tests/estimators/test_estimators.cpp ("matches statsmodels"): the same
# small panels regressed with statsmodels OLS on unit and period dummies (LSDV), standard errors
# clustered by unit without statsmodels' own correction, times reghdfe's small-sample factor
# G/(G-1) (n-1)/(n-K) with K = regressors + periods - 1 (unit effects nested in the clusters).
# Run with Debian's python3 (python3-statsmodels): /usr/bin/python3 tests/estimators/statsmodels_reference.py
import numpy as np, pandas as pd, statsmodels.api as sm
def lsdv(Y, X):  # Y units x periods; X list of (units x periods) regressors
    N,T = Y.shape
    rows=[]
    for i in range(N):
        for t in range(T):
            rows.append(dict(unit=i, period=t, y=Y[i,t], **{f"x{k}":X[k][i,t] for k in range(len(X))}))
    df=pd.DataFrame(rows)
    exog = pd.concat([df[[f"x{k}" for k in range(len(X))]], pd.get_dummies(df.unit, prefix="u", dtype=float),
                      pd.get_dummies(df.period, prefix="p", drop_first=True, dtype=float)], axis=1)
    fit = sm.OLS(df.y, exog).fit(cov_type="cluster", cov_kwds={"groups": df.unit, "use_correction": False})
    n=N*T; K=len(X)+T-1; G=N
    q = G/(G-1)*(n-1)/(n-K)
    b = fit.params[[f"x{k}" for k in range(len(X))]].values
    se = np.sqrt(np.diag(fit.cov_params().values)[:len(X)]*q)
    return b, se
Y = np.array([[1.0,2.5,3.1],[0.5,0.9,2.8],[2.0,2.2,2.1],[1.5,1.9,2.6]])
cohort=[1,2,-1,-1]
D = np.array([[1.0 if c>=0 and t>=c else 0.0 for t in range(3)] for c in cohort])
b,se=lsdv(Y,[D]); print("twfe", ["%.12g"%v for v in b], ["%.12g"%v for v in se])
# event study 6 units x 5 periods
Y2=np.array([[0.3,0.8,1.9,2.4,2.2],[1.1,1.0,1.6,2.9,3.3],[0.7,1.2,1.1,1.4,2.8],[0.2,0.4,0.3,0.9,0.7],[1.5,1.3,1.8,1.6,2.0],[0.9,1.4,1.2,1.7,1.5]])
coh=[2,3,4,-1,-1,-1]; lo,hi=-3,1
def binr(e): return max(lo,min(hi,e))
es=[e for e in range(lo,hi+1) if e!=-1]
X=[np.array([[1.0 if c>=0 and binr(t-c)==e else 0.0 for t in range(5)] for c in coh]) for e in es]
X=[x for x in X if x.sum()>0]
b,se=lsdv(Y2,X); print("es", es, ["%.12g"%v for v in b], ["%.12g"%v for v in se])
