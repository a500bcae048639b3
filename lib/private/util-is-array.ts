import util from "util";

// cdktf 0.21 tells an output's value from a list with util.isArray, which Node 22 and later deprecate
// at run time (DEP0044): every synthesis printed the warning to stderr. Node's util.isArray is
// Array.isArray behind that warning, so this changes nothing else (CDK Terrain calls Array.isArray
// itself). Imported for its effect by the stack, whose outputs are the ones rendered.
util.isArray = Array.isArray;
