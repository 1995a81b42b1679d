const u=663,E=[663],P={8663:((c,t,e)=>{e.r(t),e.d(t,{readGitTags:()=>o});var n=e(1421),m=e.n(n);function o(s,d=2e4){return new Promise(i=>{(0,n.execFile)("git",["tag","--list"],{cwd:s,timeout:d,maxBuffer:16*1024*1024,env:{...process.env,GIT_TERMINAL_PROMPT:"0"}},(l,r)=>{i(l?void 0:r.split(`
`).map(a=>a.trim()).filter(Boolean))})})}})};export{u as id,E as ids,P as modules};
